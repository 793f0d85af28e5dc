"""Forms of credit-punishment listings: proposing a subject from an arrears case, one small form per
listing action (objection, its review, decision, early removal, note), the rating adjustment.

Field names are the keyword arguments of blacklist.services, so the views pass `cleaned_data`
through; the services decide, and their ValidationErrors come back on these fields."""
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.forms.intake import DateInput
from wagecase.core.choices import CreditRating
from wagecase.core.pii import mask_id_number

from ..choices import Basis, ObjectionOutcome, PersonRole
from ..models import TEXT_MAX


def _text(label, required=True, rows=3, help_text=""):
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _date(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


class _Capitalised:
    def _capitalise(self):
        for field in self.fields.values():
            field.label = capfirst(field.label)


# --- Proposing a listing --------------------------------------------------------------------------

class Subject:
    """Who is proposed: the form's single choice, mapped onto the service's subject_type/person_role."""

    ENTERPRISE = "enterprise"
    LEGAL_REPRESENTATIVE = PersonRole.LEGAL_REPRESENTATIVE.value
    RESPONSIBLE = PersonRole.RESPONSIBLE.value


class ListingProposeForm(_Capitalised, forms.Form):
    """Propose a subject of the case for the list (services.listing_propose). The enterprise and
    its legal representative are taken from the case's enterprise; another person is typed in."""

    case = forms.IntegerField(widget=forms.HiddenInput)
    subject = forms.ChoiceField(label=_("subject"), widget=forms.RadioSelect, initial=Subject.ENTERPRISE)
    name = forms.CharField(label=_("name"), max_length=200, required=False,
                           help_text=_("For a directly responsible person: the name as on the ID card."))
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "font-monospace"}),
                                help_text=_("For a directly responsible person: the 18-character resident ID number."))
    basis = forms.ChoiceField(label=_("basis"), choices=Basis.choices, widget=forms.RadioSelect)
    incident = forms.TypedChoiceField(label=_("incident"), coerce=int, required=False, empty_value=None,
                                      help_text=_("For the incident basis: the group or extreme incident the arrears caused."))
    notified_on = _date(_("advance notice served on"),
                        help_text=_("The day the written advance notice (告知书) was served; the 5 working days of "
                                    "objection run from it."))
    facts = _text(_("facts"), rows=4, required=False,
                  help_text=_("As they appear in the notice, the decision and the public list (Chinese)."))

    def __init__(self, *args, case, user, incidents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        enterprise = case.enterprise
        legal = enterprise.legal_representative or _("not recorded")
        legal_id = mask_id_number(enterprise.legal_representative_id_number) or _("no ID number recorded")
        self.fields["subject"].choices = [
            (Subject.ENTERPRISE, _("The enterprise: %(name)s (%(uscc)s)") % {"name": enterprise.name, "uscc": enterprise.uscc}),
            (Subject.LEGAL_REPRESENTATIVE, _("Its legal representative or principal: %(name)s (%(id)s)")
             % {"name": legal, "id": legal_id}),
            (Subject.RESPONSIBLE, _("A directly responsible person (type the name and ID number below)")),
        ]
        self.fields["incident"].choices = [("", "—")] + [(i.pk, str(i)) for i in incidents]
        if not incidents:
            self.fields["incident"].widget = forms.HiddenInput()
        self._capitalise()
        if not self.is_bound:
            self.initial.setdefault("case", case.pk)
            self.initial.setdefault("notified_on", timezone.localdate())
            self.initial.setdefault("basis", Basis.INCIDENT if incidents and not case.criminal_threshold_met() else Basis.THRESHOLD)
            if incidents:
                self.initial.setdefault("incident", incidents[0].pk)

    def clean(self):
        cleaned = super().clean()
        subject = cleaned.get("subject")
        enterprise = self.case.enterprise
        if subject == Subject.LEGAL_REPRESENTATIVE:
            # Taken from the enterprise's record on the server: the full ID never travels through the page.
            if not enterprise.legal_representative_id_number or not enterprise.legal_representative:
                self.add_error("subject", _("The enterprise's legal representative has no name or ID number on record: "
                                            "choose a directly responsible person and type them in."))
        elif subject == Subject.RESPONSIBLE:
            if not (cleaned.get("name") or "").strip():
                self.add_error("name", _("This field is required."))
            if not (cleaned.get("id_number") or "").strip():
                self.add_error("id_number", _("A person is identified by the resident ID number."))
        return cleaned

    def service_fields(self):
        """The keyword arguments of services.listing_propose (without case and user)."""
        data = self.cleaned_data
        enterprise = self.case.enterprise
        fields = {"basis": data["basis"], "notified_on": data["notified_on"], "facts": data.get("facts") or ""}
        if data["subject"] == Subject.ENTERPRISE:
            fields.update(subject_type="enterprise", uscc=enterprise.uscc, name=enterprise.name)
        elif data["subject"] == Subject.LEGAL_REPRESENTATIVE:
            fields.update(subject_type="person", person_role=PersonRole.LEGAL_REPRESENTATIVE,
                          name=enterprise.legal_representative, id_number=enterprise.legal_representative_id_number)
        else:
            fields.update(subject_type="person", person_role=PersonRole.RESPONSIBLE, name=data["name"].strip(),
                          id_number=data["id_number"].strip())
        return fields


# --- Listing actions ------------------------------------------------------------------------------

class ListingActionForm(_Capitalised, forms.Form):
    slug = "action"

    def __init__(self, *args, listing, user, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        super().__init__(*args, **kwargs)
        self.listing = listing
        self.user = user
        self._capitalise()


class ObjectionForm(ListingActionForm):
    """An objection (陈述申辩) received during the objection period."""

    slug = "objection"
    received_on = _date(_("received on"))
    text = _text(_("objection"), rows=4, help_text=_("What the party states and the evidence it offers."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_on", min(timezone.localdate(), self.listing.objection_due))


class ObjectionReviewForm(ListingActionForm):
    """The review of a pending objection: upheld withdraws the listing."""

    slug = "review"
    objection = forms.TypedChoiceField(label=_("objection"), coerce=int)
    outcome = forms.ChoiceField(label=_("review outcome"), widget=forms.RadioSelect,
                                choices=[(ObjectionOutcome.REJECTED, ObjectionOutcome.REJECTED.label),
                                         (ObjectionOutcome.UPHELD, ObjectionOutcome.UPHELD.label)])
    review = _text(_("review"), rows=3, help_text=_("The reasons, as told to the party."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.listing.objections.filter(outcome=ObjectionOutcome.PENDING).order_by("received_on", "pk")
        self.pending = {o.pk: o for o in pending}
        self.fields["objection"].choices = [
            (o.pk, f"{o.received_on:%Y-%m-%d} · {o.text[:60]}") for o in self.pending.values()]

    def clean_objection(self):
        pk = self.cleaned_data["objection"]
        if pk not in self.pending:
            raise forms.ValidationError(_("This objection was already reviewed."))
        return self.pending[pk]


class ListingDecideForm(ListingActionForm):
    slug = "decide"
    decided_on = _date(_("decided on"), help_text=_("The listing runs for 3 years from this day and is published the same day."))
    comment = _text(_("comment"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate())


class ListingRemoveForm(ListingActionForm):
    """Early removal after credit repair (信用修复)."""

    slug = "remove"
    pledge = _text(_("written credit pledge"), rows=4,
                   help_text=_("The text of the subject's written credit pledge (信用承诺书)."))
    removed_on = _date(_("removed on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("removed_on", timezone.localdate())


class ListingNoteForm(ListingActionForm):
    slug = "note"
    comment = _text(_("note"), rows=3)


# --- Ratings --------------------------------------------------------------------------------------

class RatingAdjustForm(_Capitalised, forms.Form):
    """The office head's adjustment (services.rating_adjust); empty returns to the computed rating."""

    rating = forms.ChoiceField(label=_("rating"), required=False,
                               choices=[("", pgettext_lazy("rating", "As computed"))] + list(CreditRating.choices))
    reason = _text(_("reason for the adjustment"), rows=3)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_adjust_%s")
        super().__init__(*args, **kwargs)
        self._capitalise()
