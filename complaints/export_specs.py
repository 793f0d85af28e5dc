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
