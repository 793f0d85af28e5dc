"""API authentication: `Authorization: Token <key>`.

A key with a client key's checksum is looked up among API clients' named tokens (by its SHA-256
hash); a revoked or expired token, or one of a disabled client, is refused with a message saying so.
Any other key is tried as a DRF token, which the staff's `issue_token` and `create_user` hand out. The request then
carries `api_client` and `api_token` for the throttle and the call log."""
import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiClient, ApiToken
from .services import hash_key, looks_like_client_key

# last_used is written at most this often per token: one UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def request_client(request):
    """The API client behind a (Django) request, or None: set by the token authentication; for a
    bureau account signed in by session, its own client (looked up once)."""
    if not hasattr(request, "api_client"):
        user = getattr(request, "user", None)
        client = None
        if user is not None and user.is_authenticated and getattr(user, "is_bureau", False):
            client = ApiClient.objects.filter(user=user, active=True).first()
        request.api_client = client
        request.api_token = None
    return request.api_client


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        django_request = request._request
        if isinstance(auth, ApiToken):
            django_request.api_client = auth.client
            django_request.api_token = auth
        elif user.is_bureau:
            # A bureau account's DRF token (issued before named tokens): same client, same limits.
            client = ApiClient.objects.filter(user=user).first()
            if client is not None and not client.active:
                raise AuthenticationFailed(_("This API client is disabled."))
            django_request.api_client = client
            django_request.api_token = None
        return result

    def authenticate_credentials(self, key):
        # The checksum tells a client's key from a staff user's DRF token: one query either way.
        token = None
        if looks_like_client_key(key):
            token = ApiToken.objects.select_related("client__user").filter(key_hash=hash_key(key)).first()
        if token is None:
            return super().authenticate_credentials(key)
        now = timezone.now()
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This token was revoked at %(time)s.") % {"time": _when(token.revoked_at)})
        if token.expires_at is not None and token.expires_at <= now:
            raise AuthenticationFailed(_("This token expired at %(time)s.") % {"time": _when(token.expires_at)})
        if not token.client.active:
            raise AuthenticationFailed(_("This API client is disabled."))
        user = token.client.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
            # The plain manager: last_used is no change worth logging (it is excluded from the log).
            ApiToken._base_manager.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return user, token
