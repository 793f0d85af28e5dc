"""Forms of blacklist: proposing a listing, one small form per listing action, the rating adjustment.

The forms only shape input; blacklist.services decides: a ValidationError it raises is put back on
these forms' fields by the views, and nothing is saved."""
from .listings import (
    ListingDecideForm, ListingNoteForm, ListingProposeForm, ListingRemoveForm, ObjectionForm, ObjectionReviewForm,
    RatingAdjustForm, Subject,
)

__all__ = [
    "ListingDecideForm", "ListingNoteForm", "ListingProposeForm", "ListingRemoveForm", "ObjectionForm",
    "ObjectionReviewForm", "RatingAdjustForm", "Subject",
]
