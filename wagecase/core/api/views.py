"""API endpoints of the shared core: regions, enterprises, departments, and who-am-I."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from ..choices import Role
from ..filtersets import DepartmentFilterSet, EnterpriseFilterSet, RegionFilterSet
from ..models import Department, Enterprise, Region
from ..validators import normalize_uscc
from .serializers import CurrentUserSerializer, DepartmentSerializer, EnterpriseSerializer, RegionSerializer
from .viewsets import WagecaseModelViewSet, WagecaseReadOnlyModelViewSet

ERRORS = {
    400: OpenApiResponse(description="Invalid input: `{\"field\": [\"message\", ...]}`."),
    401: OpenApiResponse(description="No credentials."),
    403: OpenApiResponse(description="The caller's role may not do this."),
    404: OpenApiResponse(description="No such object, or outside the caller's scope."),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


class IsAdministrator(BasePermission):
    """API.md: creating a department needs the administrator role."""

    message = _("Only an administrator may create departments.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


@extend_schema_view(
    list=extend_schema(summary="List regions (行政区划列表)", description="本辖区的行政区划（GB/T 2260）。Regions (GB/T 2260) in the caller's jurisdiction. "
                       "`region_code` filters by code prefix.", responses={200: RegionSerializer(many=True), **errors(401, 403)}),
    retrieve=extend_schema(summary="Get a region by code (按代码查询行政区划)", responses={200: RegionSerializer, **errors(401, 403, 404)}),
)
class RegionViewSet(WagecaseReadOnlyModelViewSet):
    """Regions (GB/T 2260: province, city, county, township), looked up by code."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{2,9}"


@extend_schema_view(
    list=extend_schema(summary="List enterprises (企业列表)", description="本辖区的企业，按统一社会信用代码查询。Enterprises in the caller's scope. "
                       "ID numbers and phones are masked unless the caller may see personal data.",
                       responses={200: EnterpriseSerializer(many=True), **errors(401, 403)}),
    retrieve=extend_schema(summary="Get an enterprise by USCC (按统一社会信用代码查询企业)", responses={200: EnterpriseSerializer, **errors(401, 403, 404)}),
    create=extend_schema(summary="Create an enterprise (登记企业)", responses={201: EnterpriseSerializer, **errors(400, 401, 403)}),
    partial_update=extend_schema(summary="Change an enterprise (修改企业信息)", description="The USCC cannot be changed.",
                                 responses={200: EnterpriseSerializer, **errors(400, 401, 403, 404)}),
)
class EnterpriseViewSet(WagecaseModelViewSet):
    """Enterprises, looked up by unified social credit code (USCC)."""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    lookup_field = "uscc"
    lookup_value_regex = r"[0-9A-Za-z]{18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_object(self):
        self.kwargs[self.lookup_field] = normalize_uscc(self.kwargs.get(self.lookup_field, ""))
        return super().get_object()


@extend_schema_view(
    list=extend_schema(summary="List departments (部门列表)", responses={200: DepartmentSerializer(many=True), **errors(401, 403)}),
    retrieve=extend_schema(summary="Get a department (部门详情)", responses={200: DepartmentSerializer, **errors(401, 403, 404)}),
    create=extend_schema(summary="Create a department (新建部门)", description="Needs the administrator role.",
                         responses={201: DepartmentSerializer, **errors(400, 401, 403)}),
    partial_update=extend_schema(summary="Change a department (修改部门)", responses={200: DepartmentSerializer, **errors(400, 401, 403, 404)}),
)
class DepartmentViewSet(WagecaseModelViewSet):
    """Government departments: the wage-arrears office, labour inspection, sector regulators."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "create":
            permissions.append(IsAdministrator())
        return permissions


class CurrentUserView(GenericAPIView):
    """Who am I: any authenticated caller, bureau clients included, may ask."""

    serializer_class = CurrentUserSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="Who am I (当前用户)", operation_id="users_me_retrieve",
                   responses={200: CurrentUserSerializer, **errors(401)}, tags=["users"])
    def get(self, request):
        return Response(self.get_serializer(request.user).data)

