"""Personal data: masked by default; the full value only for roles with core.view_pii, and each
unmasked view recorded in PiiAccessLog."""
from django.contrib.contenttypes.models import ContentType

from .context import current_context

PII_PERMISSION = "core.view_pii"


def mask_id_number(value):
    """620502199001011234 → 620502********1234 (first 6, last 4)."""
    if not value:
        return value
    value = str(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    """13812345678 → 138****5678."""
    if not value:
        return value
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value):
    """张三丰 → 张**: for public lists."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask(kind, value):
    return {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name}[kind](value)


def pii_kind(field_name):
    return "phone" if "phone" in field_name else "id_number"


def can_view_pii(user):
    return bool(user and user.is_authenticated and user.has_perm(PII_PERMISSION))


def pii_log_access(*, user, objects_fields, channel):
    """Record that `user` saw these (object, field) pairs unmasked."""
    from .models.pii import PiiAccessLog

    ctx = current_context()
    rows = [
        PiiAccessLog(
            user=user,
            object_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk),
            field=field,
            channel=channel,
            request_id=ctx.request_id,
        )
        for obj, field in objects_fields
    ]
    PiiAccessLog.objects.bulk_create(rows)
    return rows
