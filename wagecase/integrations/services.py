"""Services of API clients and their named tokens: create a client, create, rotate and revoke tokens.

A token's key is 40 hex characters (like DRF's own tokens): 34 random ones and a 6-character
checksum, so that the authentication tells a client's key from a staff user's DRF token without a
query (as GitHub's token checksums do). It is shown once to whoever creates it and stored only as its
SHA-256 hash plus an 8-character prefix to recognise it by. Every write here is
change-logged under the caller's change context (request, command or admin)."""
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.choices import DepartmentKind, Industry, Role
from wagecase.core.management.commands import create_user as user_commands
from wagecase.core.models import Region, User

from .models import ApiClient, ApiToken

DEFAULT_TOKEN_NAME = "default"
DEFAULT_RATE = ApiClient._meta.get_field("rate").default
PREFIX_LENGTH = 8


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


KEY_LENGTH = 40
CHECKSUM_LENGTH = 6


def key_checksum(body):
    return hashlib.sha256(f"wagecase:{body}".encode()).hexdigest()[:CHECKSUM_LENGTH]


def new_key():
    body = secrets.token_hex(KEY_LENGTH // 2)[: KEY_LENGTH - CHECKSUM_LENGTH]
    return body + key_checksum(body)


def looks_like_client_key(key):
    """True for a well-formed API client key (a DRF token passes by chance once in 16 million)."""
    body, checksum = key[: KEY_LENGTH - CHECKSUM_LENGTH], key[KEY_LENGTH - CHECKSUM_LENGTH:]
    return len(key) == KEY_LENGTH and key_checksum(body) == checksum


def create_api_client(name, industries, region, *, full_name="", contact="", rate=DEFAULT_RATE):
    """A bureau account (User of role bureau) limited to `industries` and the `region` prefix, its
    ApiClient and a first token named "default": (client, raw_key). ValidationError when invalid."""
    industries = list(dict.fromkeys((i or "").strip() for i in industries))
    unknown = [i for i in industries if i not in Industry.values]
    if unknown:
        raise ValidationError({"industries": _("Unknown industry %(industry)s; choose from: %(choices)s.")
                               % {"industry": ", ".join(unknown), "choices": ", ".join(Industry.values)}})
    code = region.code if isinstance(region, Region) else (region or "").strip()
    jurisdiction = Region.objects.filter(code=code).first()
    if jurisdiction is None:
        raise ValidationError({"region": _("There is no region with code %(code)s.") % {"code": code}})
    if User.objects.filter(username=name).exists():
        raise ValidationError({"name": _("A user named %(username)s already exists.") % {"username": name}})
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError({"name": _("An API client named %(name)s already exists.") % {"name": name}})
    with transaction.atomic():
        department = None
        for industry in industries:
            if industry in DepartmentKind.values:
                department = user_commands.default_department(industry, jurisdiction)
                if department:
                    break
        user = User(
            username=name,
            full_name=full_name or name,
            role=Role.BUREAU,
            industries=industries,
            jurisdiction=jurisdiction,
            department=department,
        )
        user.set_unusable_password()
        user.full_clean()  # a ValidationError here, before save_user turns it into a CommandError
        user_commands.save_user(user)
        client = ApiClient(user=user, name=name, contact=contact, rate=rate or DEFAULT_RATE)
        client.full_clean()
        client.save()
        _token, raw_key = token_create(client=client, name=DEFAULT_TOKEN_NAME)
    return client, raw_key


def token_create(client, name, expires_at=None):
    """A new named token of `client`: (token, raw_key). The raw key is not stored; show it once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    with transaction.atomic():
        if client.tokens.filter(name=name, revoked_at__isnull=True).exists():
            raise ValidationError({"name": _("This client already has a token named %(name)s; rotate or revoke it first.")
                                   % {"name": name}})
        key = new_key()
        token = ApiToken(client=client, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key), expires_at=expires_at)
        token.full_clean(exclude=["key_hash"])
        token.save()
    return token, key


def token_revoke(token):
    """Revoke `token` now (idempotent: an already revoked token keeps its time)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "last_updated"])
    return token


def token_rotate(token, expires_at=None):
    """Replace `token` by a new one of the same name (and expiry, unless given): (new_token, raw_key).
    The old key stops working at once."""
    with transaction.atomic():
        old = ApiToken.objects.select_for_update().select_related("client").get(pk=token.pk)
        if old.revoked_at is not None:
            raise ValidationError(_("This token is revoked; create a new one instead."))
        token_revoke(old)
        if expires_at is None and old.expires_at is not None and old.expires_at > timezone.now():
            expires_at = old.expires_at
        return token_create(client=old.client, name=old.name, expires_at=expires_at)


def client_revoke_tokens(client):
    """Revoke every live token of `client`; the number revoked."""
    count = 0
    with transaction.atomic():
        for token in client.tokens.filter(revoked_at__isnull=True).order_by("pk"):
            token_revoke(token)
            count += 1
    return count
