"""Forms of complaints: the intake form (typed during a phone call), one small form per workflow
action of a clue, and the figures' period form.

The forms only shape input; the services (complaints.services) decide: a ValidationError they
raise is put back on these forms' fields by the views, and nothing is saved."""
from .actions import (
    AcceptForm, ClassifyForm, CloseForm, ExtensionApproveForm, ExtensionRequestForm, HandOverForm, MergeForm, NoteForm,
    RejectForm, ResolveForm, RevisitForm, TransferForm, TransferReplyForm,
)
from .intake import ClueIntakeForm, FiguresForm

__all__ = [
    "AcceptForm", "ClassifyForm", "CloseForm", "ClueIntakeForm", "ExtensionApproveForm", "ExtensionRequestForm",
    "FiguresForm", "HandOverForm", "MergeForm", "NoteForm", "RejectForm", "ResolveForm", "RevisitForm", "TransferForm",
    "TransferReplyForm",
]
