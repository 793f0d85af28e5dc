"""Template tags of credit punishment for other apps' pages (issue 7 §4: a listed enterprise is
flagged wherever it appears).

    {% load blacklist_tags %}
    {% blacklist_preload object.general_contractor subcontractors %}   {# optional: one query for all #}
    {% blacklist_flag object.general_contractor %}                   {# red badge, or nothing #}
    {% blacklist_flag_uscc clue.employer_uscc %}                      {# when only the USCC is known #}
    {% case_listings case as listings %}                              {# the case's listings in the user's scope #}
    {% enterprise_rating enterprise as rating %}                      {# its EnterpriseRating, or None #}

The flags of a request are cached on the request: `blacklist_preload` loads every enterprise it is
given in one query, and a flag for an enterprise not preloaded costs one query of its own (a detail
page with one or two enterprises). Flags are shown to everyone who sees the enterprise (the list in
force is public); the link goes to the listing's page when it lies in the user's scope."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..choices import SubjectType
from ..models import EnterpriseRating, Listing

register = template.Library()

_CACHE = "_blacklist_flags"


def _enterprise_ids(items):
    """Enterprise ids out of enterprises, ids, records with `enterprise_id`, and iterables of these."""
    ids = set()
    for item in items:
        if item is None or item == "":
            continue
        if isinstance(item, int):
            ids.add(item)
        elif isinstance(item, (list, tuple, set, frozenset)) or hasattr(item, "model"):
            ids |= _enterprise_ids(list(item))
        elif hasattr(item, "enterprise_id"):
            ids.add(item.enterprise_id)
        elif getattr(item, "pk", None) is not None:
            ids.add(item.pk)
    return ids


def flags_for(enterprise_ids, user=None):
    """{enterprise_id: the listing in force to flag it by} in one query (two when something is
    listed and a user is given: which of those listings the user may open)."""
    ids = [pk for pk in enterprise_ids if pk is not None]
    if not ids:
        return {}
    flags = {}
    rows = (Listing.objects.in_force().filter(enterprise_id__in=ids)
            .only("pk", "enterprise_id", "subject_type", "person_role", "expires_on", "name")
            .order_by("enterprise_id", "expires_on", "pk"))
    for listing in rows:
        current = flags.get(listing.enterprise_id)
        # The enterprise itself first; among the same kind, the one that runs longest.
        if (current is None or (current.subject_type != SubjectType.ENTERPRISE and listing.subject_type == SubjectType.ENTERPRISE)
                or (current.subject_type == listing.subject_type and listing.expires_on >= current.expires_on)):
            flags[listing.enterprise_id] = listing
    if flags and user is not None and user.is_authenticated:
        visible = set(Listing.objects.restrict(user, "view").filter(pk__in=[l.pk for l in flags.values()])
                      .values_list("pk", flat=True))
        for listing in flags.values():
            listing.visible = listing.pk in visible
    return flags


def _cache(context):
    """The request's flags {enterprise_id: listing or None} (the render's, without a request)."""
    request = context.get("request")
    if request is None:
        return context.render_context.setdefault(_CACHE, {})
    cache = getattr(request, _CACHE, None)
    if cache is None:
        cache = {}
        setattr(request, _CACHE, cache)
    return cache


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _load(context, ids):
    cache = _cache(context)
    missing = {pk for pk in ids if pk not in cache}
    if missing:
        found = flags_for(missing, _user(context))
        for pk in missing:
            cache[pk] = found.get(pk)
    return cache


@register.simple_tag(takes_context=True)
def blacklist_preload(context, *items):
    """Load the flags of every enterprise given (objects, ids, records with enterprise_id, lists) in one query."""
    _load(context, _enterprise_ids(items))
    return ""


def render_flag(listing):
    if listing is None:
        return ""
    if listing.subject_type == SubjectType.ENTERPRISE:
        text = _("On the credit blacklist until %(day)s") % {"day": listing.expires_on.isoformat()}
    else:
        text = _("%(role)s on the credit blacklist until %(day)s") % {
            "role": listing.get_person_role_display(), "day": listing.expires_on.isoformat()}
    title = _("Listed for serious wage arrears (失信联合惩戒): deposits of its projects are raised.")
    if getattr(listing, "visible", False):
        return format_html(
            '<a class="badge text-bg-danger text-decoration-none wc-blacklist-flag" data-blacklisted="{}" href="{}" title="{}">'
            '<i class="bi bi-slash-circle"></i> {}</a>',
            listing.pk, reverse("blacklist:listing_detail", args=[listing.pk]), title, text)
    return format_html('<span class="badge text-bg-danger wc-blacklist-flag" data-blacklisted="{}" title="{}">'
                       '<i class="bi bi-slash-circle"></i> {}</span>', listing.pk, title, text)


@register.simple_tag(takes_context=True)
def blacklist_flag(context, enterprise):
    """A red badge "On the credit blacklist until …" when the enterprise (or its id) is listed in force."""
    ids = _enterprise_ids([enterprise])
    if not ids:
        return ""
    pk = ids.pop()
    return render_flag(_load(context, {pk})[pk])


@register.simple_tag(takes_context=True)
def blacklist_flag_uscc(context, uscc):
    """The same flag for an enterprise known only by its USCC (a clue's employer, the intake form)."""
    uscc = (uscc or "").strip().upper()
    if len(uscc) != 18:
        return ""
    from wagecase.core.models import Enterprise

    pk = Enterprise.objects.filter(uscc=uscc).values_list("pk", flat=True).first()
    if pk is None:
        return ""
    return render_flag(_load(context, {pk})[pk])


@register.simple_tag(takes_context=True)
def case_listings(context, case):
    """The listings of an arrears case that the user may see (none without the permission)."""
    user = _user(context)
    if user is None or case is None:
        return []
    return list(Listing.objects.restrict(user, "view").filter(case=case).order_by("notified_on", "pk"))


@register.simple_tag(takes_context=True)
def enterprise_rating(context, enterprise):
    """The enterprise's stored rating (computed and adjusted, with reasons), if the user may see ratings."""
    user = _user(context)
    if user is None or enterprise is None or not user.has_perm("blacklist.view_enterpriserating"):
        return None
    return EnterpriseRating.objects.filter(enterprise=enterprise).first()


@register.filter
def rating_css(rating):
    return {"A": "success", "B": "warning", "C": "danger"}.get(rating or "", "secondary")
