"""API endpoints of reports: `/stats/summary/`."""
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from wagecase.core.api.views import errors

from ..figures import summary
from .serializers import SummaryQuerySerializer, SummarySerializer


class SummaryViewSet(viewsets.ViewSet):
    """统计汇总: the headline figures of a region and period, inside the caller's scope."""

    permission_classes = [IsAuthenticated]
    serializer_class = SummarySerializer

    @extend_schema(
        summary="Summary figures (统计汇总)",
        description="Headline figures for a region prefix and a period, over what the caller may see (a bureau client: "
                    "its industries' projects, clues, cases and listings). A region outside the caller's jurisdiction "
                    "→ 404; date_from after date_to → 400. Definitions: see each field.",
        parameters=[SummaryQuerySerializer],
        responses={200: SummarySerializer, **errors(400, 401, 404)},
    )
    def list(self, request):
        params = SummaryQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        region_code = params.validated_data.get("region_code") or ""
        prefix = request.user.scope_prefix
        if prefix is None or (region_code and not (region_code.startswith(prefix) or prefix.startswith(region_code))):
            raise NotFound("No such region in your jurisdiction.")
        if not region_code or prefix.startswith(region_code):
            region_code = prefix  # none, or wider than the jurisdiction: the figures are the jurisdiction's
        figures = summary(request.user, region_code=region_code, date_from=params.validated_data.get("date_from"),
                          date_to=params.validated_data.get("date_to"))
        return Response(SummarySerializer(figures).data)
