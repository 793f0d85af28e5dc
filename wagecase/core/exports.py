"""Export of any filtered list to .xlsx as a background job: the same FilterSet and the same scope
as the list page, rows streamed in batches (a server-side cursor) through openpyxl's write-only
mode into a temporary file, which is then copied to storage: memory does not grow with the rows.

Apps register an export per model with `register_export(model, filterset, columns)`; columns
are (header, function(obj) -> value)."""
import datetime
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from .services import register_job_handler, xlsx_file

EXPORTS = {}
BATCH = 2000


@dataclass
class ExportSpec:
    model: type
    filterset: type
    columns: list
    select_related: tuple = ()

    @property
    def label(self):
        return self.model._meta.label_lower


def register_export(model, filterset, columns, select_related=()):
    spec = ExportSpec(model, filterset, columns, select_related)
    EXPORTS[spec.label] = spec
    return spec


def export_queryset(spec, user, query_string):
    queryset = spec.model.objects.restrict(user, "view").select_related(*spec.select_related)
    filterset = spec.filterset(QueryDict(query_string), queryset=queryset)
    return filterset.qs.order_by("pk") if filterset.is_valid() else queryset.none()


@register_job_handler("export")
def export_job(job, progress):
    spec = EXPORTS[job.params["model"]]
    queryset = export_queryset(spec, job.user, job.params.get("query", ""))
    total = queryset.count()
    progress.set_total(total)
    progress.log(_("Exporting %(n)d rows") % {"n": total})

    def write(workbook):
        sheet = workbook.create_sheet(str(spec.model._meta.verbose_name_plural)[:31])
        sheet.append([str(header) for header, _fn in spec.columns])
        done = 0
        for obj in queryset.iterator(chunk_size=BATCH):
            sheet.append([_cell(fn(obj)) for _header, fn in spec.columns])
            done += 1
            if done % BATCH == 0:
                progress.advance(BATCH)
        progress.advance(done % BATCH)

    content = xlsx_file(write)
    name = f"{spec.model._meta.model_name}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
    return {"rows": total, "file": (name, content)}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # openpyxl refuses tz-aware datetimes: write the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, str)) or hasattr(value, "isoformat"):
        return value
    from decimal import Decimal

    if isinstance(value, Decimal):
        return value
    return str(value)
