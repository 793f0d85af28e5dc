"""Template tags for personal data: `{% pii obj "field" %}` shows the masked value and, for roles
that may see it, a "Show" button that fetches the full value through the logged reveal view."""
from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from wagecase.core.pii import can_view_pii, mask, pii_kind

register = template.Library()


@register.simple_tag(takes_context=True)
def pii(context, obj, field_name):
    value = getattr(obj, field_name, "") or ""
    if not value:
        return mark_safe('<span class="text-body-secondary">—</span>')
    masked = mask(pii_kind(field_name), value)
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_view_pii(user) or field_name not in getattr(type(obj), "pii_fields", ()) or obj.pk is None:
        return format_html('<span class="pii font-monospace">{}</span>', masked)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    url = reverse("core:pii_reveal", args=[content_type.pk, obj.pk, field_name])
    return format_html(
        '<span class="pii font-monospace">{}'
        '<button type="button" class="btn btn-link btn-sm py-0 px-1 align-baseline pii-reveal" hx-post="{}" '
        'hx-target="closest .pii" hx-swap="outerHTML" title="{}"><i class="bi bi-eye"></i> {}</button></span>',
        masked,
        url,
        _("Show the full value (the access is recorded)"),
        _("Show"),
    )


@register.filter
def masked(value, field_name):
    """`{{ value|masked:"contact_phone" }}`: the masked form, the kind taken from the field name."""
    if not value:
        return value
    return mask(pii_kind(field_name), value)
