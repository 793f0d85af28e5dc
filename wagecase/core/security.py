"""Login lockout (django-axes hooks) and the Content-Security-Policy header.

Settings: AXES_* and CONTENT_SECURITY_POLICY in wagecase/settings/base.py."""
import math

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def client_ip(request):
    """The client's address as the rate limits see it: REMOTE_ADDR, or the header a reverse proxy sets
    (RATELIMIT_IP_META_KEY), so that axes and django-ratelimit count the same person."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    value = (request.META.get(key) or request.META.get("REMOTE_ADDR") or "").split(",")[0].strip()
    return value or None


def lockout_message():
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)) if settings.AXES_COOLOFF_TIME else None
    if minutes is None:
        return _("Too many failed logins: this account is locked from your address. Ask an administrator to unlock it.")
    return _(
        "Too many failed logins: this account is locked from your address for %(minutes)s minutes. "
        "Try again later, or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message instead of the form's
    error, answered 429 (a JSON body for API and XHR callers)."""
    message = lockout_message()
    wants_json = request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest"
    if wants_json:
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    admin_login = request.path.startswith("/admin/")
    form_class = AdminAuthenticationForm if admin_login else AuthenticationForm
    # An unbound form: binding it would try to authenticate again (and count one more failure).
    form = form_class(request, initial={"username": username})
    form.cleaned_data, form._errors = {}, ErrorDict()
    form.add_error(None, message)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", ""), "locked_out": True}
    if admin_login:
        from django.contrib import admin

        context.update(admin.site.each_context(request), app_path=request.get_full_path(), username=username)
    template = "admin/login.html" if admin_login else "registration/login.html"
    response = TemplateResponse(request, template, context, status=429)
    return response.render()


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY (when set) to every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
