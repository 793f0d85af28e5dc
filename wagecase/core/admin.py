"""Django admin of the shared core (Chinese by default). Changes made here are change-logged too."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import (
    CalendarDay, CalendarYear, Department, Enterprise, Job, JournalEntry, ObjectChange, PiiAccessLog, PolicyValue, Region, User,
)


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists go through the same scope as every other view."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


def _superuser(request):
    return request.user.is_active and request.user.is_superuser


class PermissionBeforeLookupAdmin:
    """Django's history view looks the record up before asking whether the user may see the model
    at all: a record that exists answered 403 and one that does not a 302, which tells a user
    without the permission which ids exist (which users have an API token). Here the permission
    comes first, so both answer 403."""

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class SuperuserOnlyAdmin(PermissionBeforeLookupAdmin):
    """Records of the whole installation, in no jurisdiction: API keys, login attempts, the task
    schedule and results, permission groups. An administrator's role grants every permission of
    its city ("*"), which would otherwise show it the DRF token keys of every user (anyone's
    identity) and other cities' login attempts, and let it change the schedule of every office:
    the site's operators (superusers) only."""

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request, *args):
        return _superuser(request)

    def has_change_permission(self, request, obj=None):
        return _superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _superuser(request)


class ReadOnlyForAdministratorsAdmin:
    """Reference data of the whole country (the holiday calendar that every deadline counts on): an
    administrator may read it; changing it, for every office at once, is the operators' work."""

    def has_add_permission(self, request, *args):
        return _superuser(request)

    def has_change_permission(self, request, obj=None):
        return _superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _superuser(request)


class OwnUsersLoginsAdmin:
    """django-axes' records of logins (attempts, lockouts, the log): an administrator sees and
    unlocks those of the users in its jurisdiction (README "Security"); attempts on other cities'
    users, or on usernames that do not exist, are the operators' to see."""

    def get_queryset(self, request):
        records = super().get_queryset(request)
        if request.user.is_superuser:
            return records
        return records.filter(username__in=User.objects.restrict(request.user, "view").values("username"))


# The other applications' admins, registered before this module (INSTALLED_APPS order), holding
# installation-wide records: superusers only, or the administrator's own users' logins.
SUPERUSER_ONLY_MODELS = (
    "auth.Group", "authtoken.TokenProxy", "django_celery_beat.PeriodicTask", "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule", "django_celery_beat.SolarSchedule", "django_celery_beat.IntervalSchedule",
    "django_celery_results.TaskResult", "django_celery_results.GroupResult",
)
OWN_USERS_MODELS = ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")


def _wrap_registered(site, labels, mixin, prefix):
    from django.apps import apps

    for label in labels:
        model = apps.get_model(label)
        if not site.is_registered(model):
            continue
        current = type(site._registry[model])
        site.unregister(model)
        site.register(model, type(f"{prefix}{current.__name__}", (mixin, current), {}))


_wrap_registered(admin.site, SUPERUSER_ONLY_MODELS, SuperuserOnlyAdmin, "SuperuserOnly")
_wrap_registered(admin.site, OWN_USERS_MODELS, OwnUsersLoginsAdmin, "OwnUsers")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")
    raw_id_fields = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ("name", "uscc", "region", "credit_rating")
    list_filter = ("credit_rating",)
    search_fields = ("name", "uscc")
    raw_id_fields = ("region",)


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("region",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "jurisdiction", "department", "signs_for", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name")
    raw_id_fields = ("jurisdiction", "department")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and scope"), {"fields": ("full_name", "role", "jurisdiction", "department", "industries", "phone", "inspector_card_number", "signs_for")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and scope"), {"fields": ("full_name", "role", "jurisdiction", "department")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyForAdministratorsAdmin, admin.ModelAdmin):
    list_display = ("year", "source", "note")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyForAdministratorsAdmin, admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(PolicyValue)
class PolicyValueAdmin(ScopedAdmin):
    list_display = ("key", "region", "value", "basis")
    list_filter = ("key",)
    raw_id_fields = ("region",)


@admin.register(ObjectChange)
class ObjectChangeAdmin(PermissionBeforeLookupAdmin, admin.ModelAdmin):
    list_display = ("time", "user_name", "source", "action", "changed_object_type", "object_repr")
    list_filter = ("source", "action", "changed_object_type")
    search_fields = ("object_repr", "user_name", "request_id")
    readonly_fields = [f.name for f in ObjectChange._meta.fields]

    # The raw change log spans every jurisdiction (before/after of any record): superusers only. Others
    # read a record's history on its page, through the record's scope.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ScopedAdmin):
    list_display = ("time", "user", "object_type", "object_id", "field", "channel")
    list_filter = ("channel", "object_type")
    readonly_fields = [f.name for f in PiiAccessLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(ScopedAdmin):
    list_display = ("title", "kind", "user", "status", "created", "finished")
    list_filter = ("status", "kind")


@admin.register(JournalEntry)
class JournalEntryAdmin(PermissionBeforeLookupAdmin, admin.ModelAdmin):
    list_display = ("created", "created_by", "kind", "assigned_object_type", "assigned_object_id")

    # Notes on records of every jurisdiction: superusers only (others read them on the record's page).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    has_view_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_active and request.user.is_superuser)
