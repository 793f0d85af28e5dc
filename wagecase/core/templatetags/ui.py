"""Template helpers of the UI shell: Bootstrap form rendering, menu state, object URLs, labels."""
from django import forms, template
from django.utils.html import format_html

from wagecase.core.tables import JOB_STATUS_CLASSES
from wagecase.core.views.generic import object_url as _object_url

register = template.Library()


def _widget_class(widget):
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select form-select-sm"
    return "form-control form-control-sm"


def _with_bootstrap(field):
    widget = field.field.widget
    css = widget.attrs.get("class", "")
    wanted = _widget_class(widget)
    if field.errors and not isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        wanted += " is-invalid"
    widget.attrs["class"] = f"{css} {wanted}".strip() if wanted not in css else css
    return field


@register.inclusion_tag("inc/form_field.html")
def render_field(field, layout="vertical"):
    """One field with its label, errors and help text, Bootstrap-styled."""
    widget = field.field.widget
    return {
        "field": _with_bootstrap(field),
        "layout": layout,
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "is_multi": isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)),
    }


@register.inclusion_tag("inc/form_fields.html")
def render_form(form, layout="vertical"):
    """All visible fields of a form, plus hidden fields and non-field errors."""
    return {"form": form, "layout": layout}


@register.filter
def is_active_path(request_path, url):
    """Whether a menu item's URL is the current page or a parent of it (the home page only exactly)."""
    if not url:
        return False
    if url == "/":
        return request_path == "/"
    return request_path == url or request_path.startswith(url.rstrip("/") + "/")


@register.simple_tag
def object_url(obj, action="detail"):
    return _object_url(obj, action) or ""


@register.filter
def verbose_name(obj, field_name):
    """`{{ object|verbose_name:"uscc" }}`: a field's label."""
    return obj._meta.get_field(field_name).verbose_name


@register.simple_tag
def job_status_badge(job):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', JOB_STATUS_CLASSES.get(job.status, "secondary"), job.get_status_display()
    )


@register.filter
def join_values(value, separator="、"):
    if not value:
        return "—"
    return separator.join(str(v) for v in value)


@register.filter
def join_clauses(texts):
    """Sentences run into one line as clauses: each text's closing stop is dropped and they are
    joined with a semicolon, "；" in Chinese ("未按月拨付人工费用；工资保证金未存储"), "; " in English.
    Joining the sentences as they are gave "费用。；工资…". An item may be a (text, …) tuple, as a
    risk's (factor, points)."""
    from django.utils.translation import get_language

    chinese = (get_language() or "").startswith("zh")
    clauses = [str(text[0] if isinstance(text, tuple) else text).strip().rstrip("。.；;") for text in texts or []]
    return ("；" if chinese else "; ").join(clause for clause in clauses if clause)


@register.filter
def industry_labels(codes):
    """["housing", "transport"] → "Housing and construction、Transport" (translated labels)."""
    from wagecase.core.choices import Industry

    labels = dict(Industry.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or []) or "—"
