"""One form per workflow action of a clue. Field names are the keyword arguments of the action's
service (complaints.services), so the action view passes `cleaned_data` straight through."""
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..choices import CLASSIFY_CATEGORIES, TransferKind, TransferOutcome
from ..models import DESCRIPTION_MAX, TEXT_MAX, Clue


def _text(label, required=True, rows=3, max_length=TEXT_MAX, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _workers_paid():
    return forms.IntegerField(label=_("workers paid"), min_value=0)


def _amount_recovered():
    return forms.DecimalField(
        label=_("amount recovered"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)],
        help_text=_("Yuan."), widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


def _explanation():
    return _text(
        _("explanation of the figures"), required=False, rows=2,
        help_text=_("Required when the figures of the result do not match the clue (e.g. more workers paid than involved)."),
    )


class ClueActionForm(forms.Form):
    """Knows its clue and user (for choices that depend on them)."""

    def __init__(self, *args, clue, user, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.clue = clue
        self.user = user

    slug = "action"


class AcceptForm(ClueActionForm):
    slug = "accept"
    comment = _text(_("comment"), required=False, rows=2)


class RejectForm(ClueActionForm):
    slug = "reject"
    reason = _text(_("reason for not accepting"), help_text=_("E.g. beyond the two-year limitation, or not a wage matter."))


class ClassifyForm(ClueActionForm):
    slug = "classify"
    category = forms.ChoiceField(
        label=_("category"), choices=[(c.value, c.label) for c in CLASSIFY_CATEGORIES], widget=forms.RadioSelect
    )
    comment = _text(_("comment"), required=False, rows=2)


class TransferForm(ClueActionForm):
    slug = "transfer"
    department = forms.ChoiceField(label=_("department"), choices=[("", "---------")] + TransferKind.choices)
    reason = _text(_("reason for the transfer"))


class TransferReplyForm(ClueActionForm):
    slug = "reply"
    outcome = forms.ChoiceField(label=_("department's outcome"), choices=TransferOutcome.choices, widget=forms.RadioSelect)
    reply = _text(_("department's reply"), max_length=DESCRIPTION_MAX)
    workers_paid = forms.IntegerField(label=_("workers paid"), min_value=0, required=False)
    amount_recovered = forms.DecimalField(
        label=_("amount recovered"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], required=False,
        help_text=_("Needed when the department handled the clue."), widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    result_explanation = _explanation()


class ResolveForm(ClueActionForm):
    slug = "resolve"
    workers_paid = _workers_paid()
    amount_recovered = _amount_recovered()
    result = _text(_("result"), max_length=DESCRIPTION_MAX)
    result_explanation = _explanation()


class CloseForm(ClueActionForm):
    slug = "close"
    reply = _text(_("reply to the complainant"), max_length=DESCRIPTION_MAX)


class HandOverForm(ClueActionForm):
    slug = "hand-over"
    to_user = forms.ModelChoiceField(label=_("hand over to"), queryset=None)
    comment = _text(_("reason for the hand-over"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ..services import office_users_for

        # Officers of the office whose jurisdiction covers the clue's county (who may change it).
        self.fields["to_user"].queryset = (
            office_users_for(self.clue.region_id).exclude(pk=self.clue.owner_id).order_by("full_name", "username")
        )
        self.fields["to_user"].label_from_instance = lambda u: f"{u} · {u.get_role_display()} · {u.jurisdiction_id}"


class ExtensionRequestForm(ClueActionForm):
    slug = "extension-request"
    reason = _text(_("reason for the extension"))


class ExtensionApproveForm(ClueActionForm):
    slug = "extension-approve"
    comment = _text(_("comment"), required=False, rows=2)


class RevisitForm(ClueActionForm):
    slug = "revisit"
    satisfied = forms.TypedChoiceField(
        label=_("complainant satisfied"), choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("revisit note"))


class MergeForm(ClueActionForm):
    slug = "merge"
    into = forms.CharField(
        label=_("merge into clue"), max_length=32, help_text=_("The number of the earlier clue about the same arrears."),
        widget=forms.TextInput(attrs={"placeholder": "620502-2026-000001", "class": "font-monospace"}),
    )
    comment = _text(_("comment"), required=False, rows=2)

    def clean_into(self):
        number = (self.cleaned_data.get("into") or "").strip()
        into = Clue.objects.restrict(self.user, "change").filter(number=number).first()
        if into is None:
            raise ValidationError(_("No clue with this number in your jurisdiction."), code="unknown_clue")
        return into


class NoteForm(ClueActionForm):
    slug = "note"
    comment = _text(_("note"))

