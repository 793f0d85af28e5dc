"""Pages of complaints (clues)."""
from wagecase.core.views import generic

from .filtersets import ClueFilterSet
from .models import Clue


class ClueListView(generic.ObjectListView):
    queryset = Clue.objects.select_related("region", "owner", "project")
    filterset_class = ClueFilterSet


class ClueDetailView(generic.ObjectDetailView):
    queryset = Clue.objects.select_related("region", "owner", "project")
    slug_field = "number"
    slug_url_kwarg = "number"
