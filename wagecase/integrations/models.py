"""Models of integrations.

- ApiClient: a bureau's (or a contractor real-name system's) account — one User of role `bureau`
  bound to industries and a region prefix — with its rate limit.
- ApiToken: named tokens of a client; the key is shown once and stored as a SHA-256 hash; rotated
  (a new key, the old one revoked) and revoked.
- ApiCall: one line per API call of a client (time, endpoint, status, volume, duration).
- IdempotencyRecord: the answer to a POST sent with an `Idempotency-Key` header, replayed when the
  same request is retried.
- WebhookSubscription / WebhookDelivery: outbound notifications of events in the client's scope,
  signed with HMAC-SHA256, retried with backoff, logged with their responses."""
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagecase.core.models import BaseModel, ChangeLoggedModel

from .choices import DeliveryStatus, WebhookEvent

RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """"1200/min" → (1200, 60); DRF's notation (the period's first letter counts). ValueError if malformed."""
    num, _sep, period = (rate or "").partition("/")
    if not num.strip().isdigit() or int(num) < 1 or not period or period.strip()[0].lower() not in RATE_PERIODS:
        raise ValueError(rate)
    return int(num), RATE_PERIODS[period.strip()[0].lower()]


def client_scope(cls, user, action, client_user_field):
    """A bureau sees only its own client's rows; administrators and office heads those of the clients in
    their jurisdiction; other roles none (their "*.view_*" is about cases, not other accounts' keys)."""
    from wagecase.core.choices import Role

    if user.is_bureau:
        return Q(**{client_user_field: user})
    if user.is_superuser or user.role in (Role.ADMIN, Role.OFFICE_HEAD):
        return super(cls, cls).scope_filter(user, action)
    return None


class ApiClient(ChangeLoggedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="api_client")
    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    rate = models.CharField(_("rate limit"), max_length=20, default="1200/min",
                            help_text=_("Requests per second/minute/hour/day, e.g. 1200/min."))
    active = models.BooleanField(_("active"), default=True)

    scope_region_field = "user__jurisdiction__code"

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, user, action="view"):
        return client_scope(ApiClient, user, action, "user")

    def clean(self):
        super().clean()
        try:
            parse_rate(self.rate)
        except ValueError:
            raise ValidationError({"rate": _("Write the rate as a number of requests per second, minute, hour or day, "
                                             "e.g. 1200/min.")})


class ApiToken(ChangeLoggedModel):
    client = models.ForeignKey(ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True, help_text=_("The key's first characters, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    scope_region_field = "client__user__jurisdiction__code"
    changelog_exclude = ChangeLoggedModel.changelog_exclude + ("last_used", "key_hash")

    class Meta:
        ordering = ["client", "-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.client} · {self.name} ({self.prefix}…)"

    @classmethod
    def scope_filter(cls, user, action="view"):
        return client_scope(ApiToken, user, action, "client__user")

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_valid(self):
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.client.active


class ApiCall(BaseModel):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="calls")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("endpoint"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    request_bytes = models.PositiveIntegerField(_("request bytes"), default=0)
    response_bytes = models.PositiveIntegerField(_("response bytes"), default=0)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    scope_region_field = "client__user__jurisdiction__code"

    class Meta:
        ordering = ["-time"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["client", "time"], name="apicall_client_time_idx")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"

    @classmethod
    def scope_filter(cls, user, action="view"):
        return client_scope(ApiCall, user, action, "client__user")


class IdempotencyRecord(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_once_per_user_key")]


class WebhookSubscription(ChangeLoggedModel):
    client = models.ForeignKey(ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)

    scope_region_field = "client__user__jurisdiction__code"
    changelog_exclude = ChangeLoggedModel.changelog_exclude + ("secret",)

    class Meta:
        ordering = ["client", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return f"{self.client} → {self.url}"

    def clean(self):
        super().clean()
        errors = {}
        if self.url and urlsplit(self.url).scheme.lower() not in ("http", "https"):
            errors["url"] = _("Give an http:// or https:// address.")
        events = self.events
        if not isinstance(events, list) or not events:
            errors["events"] = _("Choose at least one event.")
        else:
            unknown = [str(e) for e in events if e not in WebhookEvent.values]
            if unknown:
                errors["events"] = _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}
            elif len(set(events)) != len(events):
                errors["events"] = _("An event is listed twice.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_filter(cls, user, action="view"):
        # A bureau sees its own client's subscriptions only (not its region's other clients');
        # an administrator, those of the clients in its jurisdiction.
        return _webhook_scope(user, "client__user")


class WebhookDelivery(BaseModel):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=50, db_index=True)
    event_id = models.UUIDField(_("event id"), db_index=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    scope_region_field = "subscription__client__user__jurisdiction__code"

    class Meta:
        ordering = ["-created"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    @classmethod
    def scope_filter(cls, user, action="view"):
        return _webhook_scope(user, "subscription__client__user")


def _webhook_scope(user, user_path):
    from wagecase.core.choices import Role

    prefix = user.scope_prefix
    if prefix is None:
        return None
    if user.is_superuser or user.role == Role.ADMIN:
        return Q(**{f"{user_path}__jurisdiction__code__startswith": prefix}) if prefix else Q()
    if user.is_bureau:
        return Q(**{user_path: user})
    return None
