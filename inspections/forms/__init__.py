"""Forms of inspections: campaigns and draws, the inspection record, and the actions on a
rectification order (re-inspection, penalty decision)."""
from .campaigns import CampaignForm, CampaignPhaseForm, DrawForm, phase_formset  # noqa: F401
from .orders import PenaltyForm, ReinspectForm  # noqa: F401
from .records import InspectionForm, check_field_name, note_field_name  # noqa: F401
from .ledger import LedgerForm  # noqa: F401
