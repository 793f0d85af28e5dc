"""`Idempotency-Key` on POST: a retried request is answered from the first one's stored response
instead of running twice.

For every POST under /api/v1/ sent with an `Idempotency-Key` header by an authenticated caller:
- the first request with a key inserts an IdempotencyRecord (user, key, method, path, hash of the
  query and body) in its own committed transaction, before the view runs, so that a concurrent
  retry sees it; the view's answer (status and JSON body) is then stored on the record;
- a retry with the same key, path and body gets the stored answer again, with the header
  `Idempotent-Replayed: true`, without running the view;
- the same key with another path or body → 422 `{"detail", "code": "idempotency_key_reused"}`;
- a retry while the first request still runs → 409 `{"detail", "code": "idempotency_in_progress"}`
  (with `Retry-After`); a record left "running" by a crashed worker is taken over after
  IN_PROGRESS_TIMEOUT (its request's transaction was rolled back with the worker);
- answers that took no effect are not stored — 5xx, 401, 403 and 429, and anything not JSON — so
  the retry runs again;
- keys are per user (another caller's same key is independent) and expire after KEY_LIFETIME; the
  daily task `integrations.purge_idempotency` deletes expired records.
Requests without the header, anonymous ones and other methods pass through untouched.

Why a middleware rather than a DRF hook: it covers every POST of /api/v1/ (viewset actions, plain
API views, future apps) without each view opting in, and it runs outside the view's transaction,
which the "insert first, in its own transaction" rule needs. The price is authenticating the
caller here too, with the same classes as DRF (DEFAULT_AUTHENTICATION_CLASSES) on a DRF Request
wrapper; it is paid only by requests that carry the header."""
import datetime
import hashlib
import json
import logging

from celery import shared_task
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings

from .models import IdempotencyRecord

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
KEY_MAX_LENGTH = IdempotencyRecord._meta.get_field("key").max_length  # 200
PATH_MAX_LENGTH = IdempotencyRecord._meta.get_field("path").max_length
KEY_LIFETIME = datetime.timedelta(hours=24)
# Longer than any request may run (gunicorn's timeout is 60 s): a record still "running" after
# this was left by a worker that died, and a retry may run again.
IN_PROGRESS_TIMEOUT = datetime.timedelta(minutes=5)
# Answers after which the request took no effect: a retry runs it again.
NOT_STORED = {401, 403, 429}


def valid_key(key):
    return 0 < len(key) <= KEY_MAX_LENGTH and all(33 <= ord(c) <= 126 for c in key)


def request_hash(request):
    """SHA-256 of the query string and the body; a JSON body is canonicalised first, so that a
    retry serialising the same object with other spacing or key order still matches."""
    body = request.body
    try:
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        pass
    digest = hashlib.sha256(request.META.get("QUERY_STRING", "").encode())
    digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


def authenticated_user(request):
    """The caller as DRF's authentication classes see it, or None (anonymous, or refused)."""
    drf_request = Request(request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    try:
        user = drf_request.user
    except APIException:
        return None  # the view answers 401/403 itself
    return user if user is not None and user.is_authenticated else None


def error(status, detail, code, **headers):
    response = JsonResponse({"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


def replay(record):
    if record.response is None:
        response = HttpResponse(status=record.status)
    else:
        response = HttpResponse(JSONRenderer().render(record.response), status=record.status, content_type="application/json")
    response[REPLAYED_HEADER] = "true"
    return response


def stored_body(response):
    """(True, JSON value or None) when the answer can be replayed; (False, None) otherwise."""
    if getattr(response, "streaming", False):
        return False, None
    if not response.content:
        return True, None
    if not response.get("Content-Type", "").startswith("application/json"):
        return False, None
    try:
        return True, json.loads(response.content)
    except ValueError:
        return False, None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or META_KEY not in request.META or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.META[META_KEY].strip()
        user = authenticated_user(request)
        if user is None:
            return self.get_response(request)
        if not valid_key(key):
            return JsonResponse({"idempotency_key": [
                _("An Idempotency-Key is 1 to %(n)d visible ASCII characters (a UUID is a good choice).") % {"n": KEY_MAX_LENGTH}
            ]}, status=400)
        try:
            fingerprint = request_hash(request)
        except RequestDataTooBig:
            return self.get_response(request)  # too large to keep: the view answers 413 itself
        record, answer = self.claim(user, key, request.path[:PATH_MAX_LENGTH], fingerprint)
        if answer is not None:
            return answer
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        self.finish(record, response)
        return response

    def claim(self, user, key, path, fingerprint):
        """(record, None) when this request is the one to run; (None, response) otherwise."""
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=user, key=key, method="POST", path=path, request_hash=fingerprint
                    )
                return record, None
            except IntegrityError:
                pass
            record = IdempotencyRecord.objects.filter(user=user, key=key).first()
            if record is None:
                continue  # deleted meanwhile (a 5xx, or purged): try to insert again
            now = timezone.now()
            if record.created < now - KEY_LIFETIME:
                IdempotencyRecord.objects.filter(pk=record.pk, created=record.created).delete()
                continue
            if (record.method, record.path, record.request_hash) != ("POST", path, fingerprint):
                return None, error(422, _(
                    "This Idempotency-Key was used for another request (a different path or body). "
                    "Use a new key for a new request."
                ), "idempotency_key_reused")
            if record.status is not None:
                return None, replay(record)
            if record.created < now - IN_PROGRESS_TIMEOUT:
                # Left running by a worker that died: take it over, unless another retry just did.
                taken = IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True, created=record.created)
                if taken.update(created=now):
                    record.created = now
                    return record, None
            return None, error(409, _(
                "A request with this Idempotency-Key is still being processed; retry in a moment."
            ), "idempotency_in_progress", **{"Retry-After": "1"})
        return None, error(409, _("This Idempotency-Key is busy; retry in a moment."), "idempotency_in_progress",
                           **{"Retry-After": "1"})

    def finish(self, record, response):
        status = response.status_code
        keep, body = stored_body(response) if status < 500 and status not in NOT_STORED else (False, None)
        try:
            if keep:
                IdempotencyRecord.objects.filter(pk=record.pk).update(status=status, response=body)
            else:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
        except Exception:  # never lose the answer for the bookkeeping
            logger.exception("Could not store the idempotent response of %s", record.path)


def purge_expired(now=None):
    """Delete records older than KEY_LIFETIME; returns how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _detail = IdempotencyRecord.objects.filter(created__lt=cutoff).delete()
    return deleted


@shared_task(name="integrations.purge_idempotency")
def purge_idempotency():
    """Daily: forget Idempotency-Keys older than 24 hours."""
    return purge_expired()


HEADER_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "幂等键（可选，最长 200 个可见 ASCII 字符，建议用 UUID）：同一用户以相同键和相同请求体重试时，返回首次的响应"
        "（响应头 `Idempotent-Replayed: true`），不会重复创建；相同键但请求体或路径不同 → 422 `idempotency_key_reused`；"
        "首次请求仍在处理 → 409 `idempotency_in_progress`。5xx 不保存，可直接重试。键保留 24 小时。\n\n"
        "Optional idempotency key (up to 200 visible ASCII characters; a UUID is a good choice): a retry by the same "
        "caller with the same key and body gets the first response again (header `Idempotent-Replayed: true`) and "
        "creates nothing twice; the same key with another body or path → 422 `idempotency_key_reused`; while the "
        "first request still runs → 409 `idempotency_in_progress`. 5xx answers are not kept (retry freely). Keys "
        "are kept for 24 hours."
    ),
    "schema": {"type": "string", "maxLength": KEY_MAX_LENGTH},
}


def schema_postprocessing_hook(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: the optional `Idempotency-Key` header on every
    POST of /api/v1/."""
    for path, operations in result.get("paths", {}).items():
        operation = operations.get("post")
        if operation is None or not path.startswith(API_PREFIX):
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(dict(HEADER_PARAMETER))
    return result
