"""Excel export of the clue list, registered with wagecase.core.exports and imported from
ComplaintsConfig.ready(). Same FilterSet and scope as the list page; personal data (the
complainant's name, phone and ID number) is always masked, as exported files travel; every column
reads only what `select_related` brings."""
from django.utils.translation import gettext_lazy

from wagecase.core.export_specs import label
from wagecase.core.exports import register_export
from wagecase.core.pii import mask_id_number, mask_name, mask_phone

from .choices import DeadlineState
from .filtersets import ClueFilterSet
from .models import Clue


def person(user):
    return str(user) if user is not None else ""


def region_name(region):
    return (region.full_name or region.name) if region is not None else ""


register_export(
    Clue,
    ClueFilterSet,
    [
        (label(Clue, "number"), lambda o: o.number),
        (label(Clue, "received_at"), lambda o: o.received_at),
        (label(Clue, "channel"), lambda o: o.get_channel_display()),
        (gettext_lazy("Region code"), lambda o: o.region_id),
        (label(Clue, "region"), lambda o: region_name(o.region)),
        (label(Clue, "complainant_name"), lambda o: mask_name(o.complainant_name)),
        (label(Clue, "complainant_phone"), lambda o: mask_phone(o.complainant_phone)),
        (label(Clue, "complainant_id_number"), lambda o: mask_id_number(o.complainant_id_number)),
        (gettext_lazy("Project code"), lambda o: o.project.code if o.project_id else ""),
        (label(Clue, "project"), lambda o: o.project.name if o.project_id else ""),
        (label(Clue, "employer_name"), lambda o: o.employer_name),
        (label(Clue, "employer_uscc"), lambda o: o.employer_uscc),
        (label(Clue, "industry"), lambda o: o.get_industry_display()),
        (label(Clue, "workers_involved"), lambda o: o.workers_involved),
        (label(Clue, "amount_claimed"), lambda o: o.amount_claimed),
        (label(Clue, "status"), lambda o: o.get_status_display()),
        (label(Clue, "category"), lambda o: o.get_category_display() if o.category else ""),
        (label(Clue, "received_by"), lambda o: person(o.received_by)),
        (label(Clue, "owner"), lambda o: person(o.owner)),
        (label(Clue, "accept_due"), lambda o: o.accept_due),
        (label(Clue, "accepted_at"), lambda o: o.accepted_at),
        (label(Clue, "resolve_due"), lambda o: o.resolve_due),
        (label(Clue, "extended_at"), lambda o: o.extended_at),
        (label(Clue, "due_on"), lambda o: o.due_on),
        (gettext_lazy("Deadline"), lambda o: DeadlineState(o.deadline_state()).label),
        (label(Clue, "transferred_to"), lambda o: o.transferred_to.name if o.transferred_to_id else ""),
        (label(Clue, "transfer_due"), lambda o: o.transfer_due),
        (label(Clue, "workers_paid"), lambda o: o.workers_paid),
        (label(Clue, "amount_recovered"), lambda o: o.amount_recovered),
        (label(Clue, "closed_at"), lambda o: o.closed_at),
        (label(Clue, "merged_into"), lambda o: o.merged_into.number if o.merged_into_id else ""),
    ],
    select_related=("region", "project", "received_by", "owner", "transferred_to", "merged_into"),
)


# --- Arrears cases and incidents (same FilterSets as their list pages) -----------------------------

from .case_filtersets import ArrearsCaseFilterSet, IncidentFilterSet  # noqa: E402
from .models import ArrearsCase, Incident  # noqa: E402

register_export(
    ArrearsCase,
    ArrearsCaseFilterSet,
    [
        (gettext_lazy("Case number"), lambda o: o.pk),
        (gettext_lazy("Region code"), lambda o: o.region_id),
        (label(ArrearsCase, "region"), lambda o: region_name(o.region)),
        (label(ArrearsCase, "enterprise"), lambda o: o.enterprise.name),
        (gettext_lazy("Enterprise USCC"), lambda o: o.enterprise.uscc),
        (gettext_lazy("Project code"), lambda o: o.project.code if o.project_id else ""),
        (label(ArrearsCase, "project"), lambda o: o.project.name if o.project_id else ""),
        (label(ArrearsCase, "source_clue"), lambda o: o.source_clue.number if o.source_clue_id else ""),
        (label(ArrearsCase, "occurred_on"), lambda o: o.occurred_on),
        (label(ArrearsCase, "workers_owed"), lambda o: o.workers_owed),
        (label(ArrearsCase, "amount_owed"), lambda o: o.amount_owed),
        (label(ArrearsCase, "workers_paid"), lambda o: o.workers_paid),
        (label(ArrearsCase, "amount_paid"), lambda o: o.amount_paid),
        (gettext_lazy("Amount outstanding"), lambda o: o.amount_outstanding),
        (label(ArrearsCase, "status"), lambda o: o.get_status_display()),
        (label(ArrearsCase, "cleared_on"), lambda o: o.cleared_on),
        (label(ArrearsCase, "government_type"), lambda o: o.government_type),
        (label(ArrearsCase, "zero_clearance_due"), lambda o: o.zero_clearance_due),
        (label(ArrearsCase, "key_monitoring"), lambda o: o.key_monitoring),
        (label(ArrearsCase, "responsible_unit"), lambda o: o.responsible_unit),
        (label(ArrearsCase, "responsible_leader"), lambda o: o.responsible_leader),
        (label(ArrearsCase, "responsible_person"), lambda o: o.responsible_person),
        (label(ArrearsCase, "measures"), lambda o: o.measures),
        (label(ArrearsCase, "deadline"), lambda o: o.deadline),
        (label(ArrearsCase, "supervision_level"), lambda o: o.get_supervision_level_display()),
        (label(ArrearsCase, "leader_in_charge"), lambda o: o.leader_in_charge),
        (label(ArrearsCase, "order_issued_on"), lambda o: o.order_issued_on),
        (label(ArrearsCase, "order_pay_by"), lambda o: o.order_pay_by),
        (label(ArrearsCase, "compensation_percent"), lambda o: o.compensation_percent),
    ],
    select_related=("region", "enterprise", "project", "source_clue"),
)

register_export(
    Incident,
    IncidentFilterSet,
    [
        (label(Incident, "occurred_at"), lambda o: o.occurred_at),
        (label(Incident, "reported_at"), lambda o: o.reported_at),
        (gettext_lazy("Reported late"), lambda o: o.report_late),
        (label(Incident, "kind"), lambda o: o.get_kind_display()),
        (label(Incident, "serious"), lambda o: o.serious),
        (gettext_lazy("Region code"), lambda o: o.region_id),
        (label(Incident, "region"), lambda o: region_name(o.region)),
        (label(Incident, "place"), lambda o: o.place),
        (gettext_lazy("Project code"), lambda o: o.project.code if o.project_id else ""),
        (label(Incident, "case"), lambda o: o.case_id or ""),
        (label(Incident, "people_involved"), lambda o: o.people_involved),
        (label(Incident, "description"), lambda o: o.description),
        (label(Incident, "damage"), lambda o: o.damage),
        (label(Incident, "cause"), lambda o: o.cause),
        (label(Incident, "measures"), lambda o: o.measures),
        (label(Incident, "public_reaction"), lambda o: o.public_reaction),
        (label(Incident, "closing_report"), lambda o: o.closing_report),
        (label(Incident, "closed_at"), lambda o: o.closed_at),
    ],
    select_related=("region", "project"),
)
