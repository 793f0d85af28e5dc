"""The admin site of wagecase: Django's, with its "view on site" link kept inside the user's scope.

Django's own `r/<content_type_id>/<object_id>/` (contenttypes' `shortcut`) redirects any staff user
to any record's page: an administrator of one city learnt that a record of another city exists, and
its address (which names a project's code or a clue's number), from a 302 instead of a 404. Here it
answers 404 for a record the user's scope hides, exactly as for one that does not exist."""
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path


class WagecaseAdminSite(admin.AdminSite):
    def get_urls(self):
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path("r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site),
                                   name="view_on_site")
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            model = None
        if model is None or not self.visible(request, model, object_id):
            raise Http404
        return shortcut(request, content_type_id, object_id)

    def visible(self, request, model, object_id):
        records = model._default_manager.all()
        try:
            if hasattr(records, "restrict"):
                return records.restrict(request.user, "view").filter(pk=object_id).exists()
            model_admin = self._registry.get(model)
            return model_admin is not None and model_admin.has_view_permission(request) and (
                records.filter(pk=object_id).exists())
        except (ValueError, TypeError, ValidationError):  # not a key of this model
            return False
