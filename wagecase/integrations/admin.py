"""Django admin of integrations: API clients (created with their bureau account and a first token,
whose key is shown once), their named tokens (read-only; revoke or rotate by action) and the call log
(read-only). Lists go through the same scope as every other view; changes are change-logged."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagecase.core.admin import ScopedAdmin
from wagecase.core.choices import Industry
from wagecase.core.models import Region, User

from . import services
from .models import ApiCall, ApiClient, ApiToken, parse_rate


class ApiClientCreateForm(forms.ModelForm):
    """Adding a client creates its bureau account (user name = the client's name) and a first token."""

    full_name = forms.CharField(label=_("full name"), max_length=50, required=False,
                                help_text=_("e.g. the bureau's name."))
    industries = forms.MultipleChoiceField(label=_("industries"), choices=Industry.choices,
                                           widget=forms.CheckboxSelectMultiple)
    region = forms.CharField(label=_("region code prefix"), max_length=12, help_text=_("e.g. 6205."))

    class Meta:
        model = ApiClient
        fields = ["name", "full_name", "industries", "region", "contact", "rate"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if User.objects.filter(username=name).exists():
            raise ValidationError(_("A user named %(username)s already exists.") % {"username": name})
        if ApiClient.objects.filter(name=name).exists():
            raise ValidationError(_("An API client named %(name)s already exists.") % {"name": name})
        return name

    def clean_region(self):
        code = self.cleaned_data["region"].strip()
        if not Region.objects.filter(code=code).exists():
            raise ValidationError(_("There is no region with code %(code)s.") % {"code": code})
        return code

    def clean_rate(self):
        rate = self.cleaned_data["rate"].strip()
        try:
            parse_rate(rate)
        except ValueError:
            raise ValidationError(_("Write the rate as a number of requests per second, minute, hour or day, e.g. 1200/min."))
        return rate

    def _post_clean(self):
        # The account does not exist yet: the service validates the client when it creates it.
        pass


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    can_delete = False
    fields = ("name", "prefix", "key_hash", "created", "last_used", "expires_at", "revoked_at")
    readonly_fields = fields
    ordering = ("-created",)

    def has_add_permission(self, request, obj=None):
        return False


def _show_keys(request, pairs):
    """The new keys, shown this once."""
    for token, key in pairs:
        messages.warning(request, _("New key of %(token)s (shown only this once): %(key)s") % {"token": token, "key": key})


@admin.register(ApiClient)
class ApiClientAdmin(ScopedAdmin):
    list_display = ("name", "user", "industries_display", "region_display", "rate", "active", "created")
    list_filter = ("active",)
    search_fields = ("name", "user__username", "user__full_name", "contact")
    readonly_fields = ("user", "industries_display", "region_display", "created", "last_updated")
    fields = ("name", "user", "industries_display", "region_display", "contact", "rate", "active", "created", "last_updated")
    inlines = [ApiTokenInline]
    actions = ["revoke_tokens", "issue_token", "deactivate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user__jurisdiction")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientCreateForm
            kwargs["fields"] = ApiClientCreateForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ApiClientCreateForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the call log and change log keep referring to it

    @admin.display(description=_("industries"))
    def industries_display(self, obj):
        return ", ".join(str(Industry(i).label) for i in obj.user.industries if i in Industry.values)

    @admin.display(description=_("region"))
    def region_display(self, obj):
        return obj.user.jurisdiction

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        client, key = services.create_api_client(
            data["name"], data["industries"], data["region"], full_name=data.get("full_name", ""),
            contact=data.get("contact", ""), rate=data["rate"],
        )
        # The admin goes on with `obj` (its log entry, the redirect): make it the saved client.
        obj.pk, obj.user, obj.created, obj.last_updated = client.pk, client.user, client.created, client.last_updated
        obj._state.adding = False
        _show_keys(request, [(client.tokens.get(), key)])

    @admin.action(description=_("Revoke all tokens of the selected clients"))
    def revoke_tokens(self, request, queryset):
        with transaction.atomic():
            count = sum(services.client_revoke_tokens(client) for client in queryset.order_by("pk"))
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count})

    @admin.action(description=_("Issue a new token to the selected clients"))
    def issue_token(self, request, queryset):
        name = f"admin-{timezone.localtime():%Y%m%d%H%M%S}"
        with transaction.atomic():
            pairs = [services.token_create(client=client, name=name) for client in queryset.order_by("pk")]
        _show_keys(request, pairs)

    @admin.action(description=_("Deactivate the selected clients"))
    def deactivate(self, request, queryset):
        count = 0
        with transaction.atomic():
            for client in queryset.filter(active=True).order_by("pk"):
                client.active = False
                client.save(update_fields=["active", "last_updated"])
                count += 1
        self.message_user(request, ngettext("%(count)d client deactivated.", "%(count)d clients deactivated.", count)
                          % {"count": count})


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    list_display = ("name", "client", "prefix", "created", "last_used", "expires_at", "revoked_at")
    list_filter = ("client",)
    search_fields = ("name", "prefix", "client__name")
    readonly_fields = ("client", "name", "prefix", "key_hash", "created", "last_used", "expires_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke", "rotate"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True).order_by("pk"))
        with transaction.atomic():
            for token in live:
                services.token_revoke(token)
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(live))
                          % {"count": len(live)})

    @admin.action(description=_("Rotate the selected tokens (new keys, old ones revoked)"))
    def rotate(self, request, queryset):
        with transaction.atomic():
            pairs = [services.token_rotate(token) for token in queryset.filter(revoked_at__isnull=True).order_by("pk")]
        _show_keys(request, pairs)


@admin.register(ApiCall)
class ApiCallAdmin(ScopedAdmin):
    list_display = ("time", "client", "method", "path", "status", "duration_ms", "request_bytes", "response_bytes", "rows")
    list_filter = ("status", "method", "client")
    search_fields = ("path",)
    date_hierarchy = "time"
    readonly_fields = [f.name for f in ApiCall._meta.fields]
    list_select_related = ("client",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
