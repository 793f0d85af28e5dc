"""API serializers of reports."""
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class SummaryQuerySerializer(serializers.Serializer):
    region_code = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6}|\d{9})$", required=False, allow_blank=True,
                                         help_text="Region code prefix (62 = the province, 6205 = a city, 620502 = a county). "
                                                   "Default: the caller's whole jurisdiction.")
    date_from = serializers.DateField(required=False, help_text="First day of the period (default 1 January of this year).")
    date_to = serializers.DateField(required=False, help_text="Last day of the period, inclusive (default today).")

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": ["The period ends before it starts."]})
        return data


# One object, though answered by the viewset's `list` action (else the schema would say an array).
@extend_schema_serializer(many=False)
class SummarySerializer(serializers.Serializer):
    region_code = serializers.CharField(help_text="The region prefix the figures cover ('' = the caller's jurisdiction).")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    projects_monitored = serializers.IntegerField(help_text="Projects under monitoring that were under construction in the period.")
    projects_inspected = serializers.IntegerField(help_text="Distinct projects inspected in the period.")
    clues_received = serializers.IntegerField(help_text="Clues received in the period (merged duplicates count once).")
    clues_closed = serializers.IntegerField(help_text="Of those, the clues closed (办结).")
    closure_rate = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="clues_closed ÷ clues_received, percent.")
    workers_paid = serializers.IntegerField(help_text="Workers paid: recorded on those clues, plus payments in the period "
                                                      "on arrears cases not opened from a clue.")
    amount_recovered = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Wages recovered, yuan (same sources).")
    violations_published = serializers.IntegerField(help_text="Major violations published (社会公布) in the period.")
    blacklisted = serializers.IntegerField(help_text="Subjects put on the credit-punishment list in the period.")


# --- Reports ------------------------------------------------------------------------------------

class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    region_code = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    week_start = serializers.SerializerMethodField(help_text="For weekly reports: the Monday the week starts on.")
    status = serializers.SerializerMethodField(help_text="`pending` (queued or being generated: see `progress`) | `done` | "
                                                         "`failed` (see `error`), the values of API.md.")
    generating = serializers.SerializerMethodField(help_text="True while a worker is generating it (status stays `pending`).")
    progress = serializers.IntegerField(read_only=True, help_text="Percent done while generating.")
    error = serializers.CharField(read_only=True, help_text="Why the generation failed (retry by POSTing the same period).")
    attempts = serializers.IntegerField(read_only=True)
    generated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField(help_text="The xlsx, once `status` is `done`; else null.")
    totals = serializers.SerializerMethodField(help_text="The totals row of the report's figures, once done.")
    signatures = serializers.SerializerMethodField(help_text="The dual sign-off (双签字): capacity, name, signed_at.")
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                             help_text="When it was submitted (needs both signatures).")

    def get_status(self, report) -> str:
        return "pending" if report.status == "running" else report.status

    def get_generating(self, report) -> bool:
        return report.status == "running"

    def get_week_start(self, report) -> str | None:
        return report.period_start.isoformat() if report.kind == "weekly" else None

    def get_download_url(self, report) -> str | None:
        if report.status != "done":
            return None
        url = f"/api/v1/reports/{report.kind}/{report.pk}/download/"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_signatures(self, report) -> list[dict]:
        return [{"capacity": s.capacity, "name": str(s.user), "signed_at": s.signed_at.isoformat()}
                for s in report.signatures.all()]

    def get_totals(self, report) -> dict | None:
        return (report.figures or {}).get("totals")


class _RequestBase(serializers.Serializer):
    region_code = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6})$", help_text="A county (6 digits), a city (4) or the province (2).")
    regenerate = serializers.BooleanField(required=False, default=False,
                                          help_text="Generate again although it is done (replaces the file; still one report).")


class WeeklyRequestSerializer(_RequestBase):
    week_start = serializers.DateField(help_text="The Monday the week starts on.")


class MonthlyRequestSerializer(_RequestBase):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM.")


class QuarterlyRequestSerializer(_RequestBase):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class SignSerializer(serializers.Serializer):
    capacity = serializers.ChoiceField(choices=["locality", "department"], required=False,
                                       help_text="Default: the capacity the caller signs in (its `signs_for`).")


# --- Campaign daily reporting -------------------------------------------------------------------

class DailySubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    campaign = serializers.IntegerField(source="campaign_id", help_text="The campaign (its daily reporting must be on).")
    region_code = serializers.RegexField(r"^\d{6}$", source="region_id", help_text="The reporting county.")
    day = serializers.DateField()
    zero_report = serializers.BooleanField(required=False, default=False,
                                           help_text="零报告: nothing to report (every figure must be 0).")
    clues_received = serializers.IntegerField(required=False, default=0, min_value=0)
    clues_closed = serializers.IntegerField(required=False, default=0, min_value=0)
    projects_inspected = serializers.IntegerField(required=False, default=0, min_value=0)
    workers_paid = serializers.IntegerField(required=False, default=0, min_value=0)
    amount_paid = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default="0.00", min_value=0)
    incidents = serializers.IntegerField(required=False, default=0, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    submitted_by = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    system = serializers.SerializerMethodField(help_text="What the system itself recorded for the county that day.")
    differences = serializers.SerializerMethodField(help_text="Figures that differ: {figure, submitted, system, difference}.")

    def _system(self, submission):
        from ..daily import system_figures_many

        cache = self.context.setdefault("_system", {})
        key = (submission.region_id, submission.day)
        if key not in cache:
            # A list: the figures of every submission of the page at once (five queries, not five a row).
            many = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else None
            submissions = list(many) if many is not None else [submission]
            cache.update(system_figures_many([(s.region_id, s.day) for s in submissions] + [key]))
        return cache[key]

    def get_system(self, submission) -> dict:
        return {k: str(v) if k == "amount_paid" else v for k, v in self._system(submission).items()}

    def get_differences(self, submission) -> list[dict]:
        from ..daily import differences

        return [{"figure": k, "submitted": str(a) if k == "amount_paid" else a, "system": str(b) if k == "amount_paid" else b,
                 "difference": str(d) if k == "amount_paid" else d}
                for k, a, b, d in differences(submission.figures(), self._system(submission))]


class DailyStatusQuerySerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    day = serializers.DateField(required=False, help_text="Default: today.")
