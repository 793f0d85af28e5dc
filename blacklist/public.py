"""Public pages of blacklist, without login (mounted at /public/, namespace "public_blacklist").

- `/public/blacklist/`: the list of serious wage-arrears violators (拖欠农民工工资失信联合惩戒对象名单)
  with a search by name or unified social credit code. Only entries listed and not expired are
  shown: `Listing.objects.in_force(today)`, which compares `expires_on` with today's date itself,
  so an entry whose term ran out this morning is gone before the nightly expiry job has run.
  Notified, withdrawn, removed and expired entries never appear. A person's ID number is ALWAYS
  masked here, whoever looks (a logged-in officer too), and the search never matches ID numbers,
  so the page cannot be used to test whether an ID is listed.
- `/public/violations/`: the published quarterly publications of major labour-law violations
  (重大劳动保障违法行为社会公布); `/public/violations/<id>/` one of them with its entries, and its workbook
  and PDF. A batch not yet published (draft, reviewed, approved) is 404, exactly like one that does
  not exist.

Abuse: every request of these pages counts against a per-IP limit (django-ratelimit, setting
PUBLIC_BLACKLIST_RATE_PER_IP, "300/h" by default), answered 429 with the public pages' "try again"
page; queries are bounded (search text ≤ 60 characters, 20 entries a page)."""
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from complaints.public import StyledForm, _over_limit, too_many_requests
from inspections.documents import PdfFontMissing, issuing_office, issuing_offices
from wagecase.core.pii import mask_id_number
from wagecase.core.validators import normalize_uscc

from . import documents, excel
from .choices import BatchStatus, SubjectType
from .models import Listing, PublicationBatch

PER_PAGE = 20
SEARCH_MAX = 60
DEFAULT_RATE = "300/h"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rate():
    return getattr(settings, "PUBLIC_BLACKLIST_RATE_PER_IP", DEFAULT_RATE)


def _limited(request):
    """The 429 response when this IP asked too often, else None."""
    usage = _over_limit(request, "public-blacklist-ip", _rate())
    return too_many_requests(request, usage) if usage else None


class BlacklistSearchForm(StyledForm):
    q = forms.CharField(
        label=_("Name or unified social credit code"), max_length=SEARCH_MAX, required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )


def public_listings(today=None):
    """Entries the public sees: listed, in force by today's date (whatever the nightly job did)."""
    today = today or timezone.localdate()
    return (Listing.objects.in_force(today).filter(expires_on__gt=today, listed_on__lte=today)
            .select_related("enterprise", "region"))


def search(queryset, text):
    """By name (the subject's or its enterprise's) or by USCC; never by ID number."""
    text = (text or "").strip()
    if not text:
        return queryset
    condition = Q(name__icontains=text) | Q(enterprise__name__icontains=text)
    code = normalize_uscc(text.upper().replace(" ", ""))
    if len(code) >= 6 and code.isalnum():
        condition |= Q(uscc__startswith=code) | Q(enterprise__uscc__startswith=code)
    return queryset.filter(condition)


def public_row(listing, offices):
    """What the public list shows of an entry: the person's ID masked, always."""
    is_person = listing.subject_type == SubjectType.PERSON
    region = listing.region
    if region.pk not in offices:
        offices[region.pk] = issuing_office(region)[0]
    return {
        "pk": listing.pk,
        "name": listing.name,
        "subject_type": listing.subject_type,
        "type_label": listing.get_subject_type_display(),
        "role_label": listing.get_person_role_display() if is_person else "",
        "identifier": mask_id_number(listing.id_number) if is_person else listing.uscc,
        "enterprise": listing.enterprise.name,
        "enterprise_uscc": listing.enterprise.uscc,
        "facts": documents.mask_ids(listing.facts),
        "office": offices[region.pk],
        "decision_number": listing.decision_number,
        "listed_on": listing.listed_on,
        "expires_on": listing.expires_on,
    }


@require_GET
def blacklist(request):
    limited = _limited(request)
    if limited:
        return limited
    form = BlacklistSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    listings = search(public_listings(), text).order_by("-listed_on", "pk")
    page = Paginator(listings, PER_PAGE).get_page(request.GET.get("page"))
    offices = issuing_offices({listing.region for listing in page.object_list})
    context = {
        "form": form if form.is_bound else BlacklistSearchForm(),
        "q": text,
        "page": page,
        "rows": [public_row(listing, offices) for listing in page.object_list],
        "list_name": documents.LIST_NAME,
    }
    response = render(request, "public/blacklist.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response


def published_batches():
    return PublicationBatch.objects.filter(status=BatchStatus.PUBLISHED).select_related("region")


@require_GET
def violations(request):
    limited = _limited(request)
    if limited:
        return limited
    batches = published_batches().annotate(entry_count=Count("entries")).order_by("-published_on", "-pk")
    page = Paginator(batches, PER_PAGE).get_page(request.GET.get("page"))
    response = render(request, "public/violations.html", {"page": page})
    response["Cache-Control"] = "public, max-age=300"
    return response


def _published(pk):
    return get_object_or_404(published_batches(), pk=pk)


@require_GET
def violation(request, pk):
    limited = _limited(request)
    if limited:
        return limited
    batch = _published(pk)
    context = {
        "batch": batch,
        "entries": list(batch.entries.all()),
        "office": issuing_office(batch.region)[0],
        "quarter_text": documents.quarter_text(batch),
    }
    response = render(request, "public/violations_detail.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def violation_xlsx(request, pk):
    limited = _limited(request)
    if limited:
        return limited
    batch = _published(pk)
    return _download(excel.publication_xlsx(batch), XLSX, excel.publication_filename(batch, "xlsx"))


@require_GET
def violation_pdf(request, pk):
    limited = _limited(request)
    if limited:
        return limited
    batch = _published(pk)
    try:
        content = documents.publication_pdf(batch)
    except PdfFontMissing:
        return HttpResponse(_("The PDF is not available at the moment; please download the Excel file."), status=503,
                            content_type="text/plain; charset=utf-8")
    return _download(content, "application/pdf", excel.publication_filename(batch, "pdf"))
