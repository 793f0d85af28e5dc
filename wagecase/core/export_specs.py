"""Excel exports of the shared core's lists (enterprises, departments, regions), registered with
wagecase.core.exports; imported from CoreConfig.ready(). Personal data is masked, as in the tables."""
from django.utils.translation import gettext_lazy as _

from .exports import register_export
from .filtersets import DepartmentFilterSet, EnterpriseFilterSet, RegionFilterSet
from .models import Department, Enterprise, Region
from .pii import mask_id_number, mask_phone


def label(model, field_name):
    """A column header: the field's (lazy, translatable) verbose name."""
    return model._meta.get_field(field_name).verbose_name


register_export(
    Enterprise,
    EnterpriseFilterSet,
    [
        (label(Enterprise, "uscc"), lambda o: o.uscc),
        (label(Enterprise, "name"), lambda o: o.name),
        (_("Region code"), lambda o: o.region_id),
        (label(Enterprise, "region"), lambda o: o.region.full_name or o.region.name),
        (label(Enterprise, "legal_representative"), lambda o: o.legal_representative),
        (label(Enterprise, "legal_representative_id_number"), lambda o: mask_id_number(o.legal_representative_id_number)),
        (label(Enterprise, "contact_phone"), lambda o: mask_phone(o.contact_phone)),
        (label(Enterprise, "address"), lambda o: o.address),
        (label(Enterprise, "roles"), lambda o: o.get_roles_display()),
        (label(Enterprise, "credit_rating"), lambda o: o.get_credit_rating_display()),
        (label(Enterprise, "last_updated"), lambda o: o.last_updated),
    ],
    select_related=("region",),
)

register_export(
    Department,
    DepartmentFilterSet,
    [
        (label(Department, "name"), lambda o: o.name),
        (label(Department, "kind"), lambda o: o.get_kind_display()),
        (_("Region code"), lambda o: o.region_id),
        (label(Department, "region"), lambda o: o.region.full_name or o.region.name),
        (label(Department, "phone"), lambda o: o.phone),
        (label(Department, "address"), lambda o: o.address),
        (label(Department, "last_updated"), lambda o: o.last_updated),
    ],
    select_related=("region",),
)

register_export(
    Region,
    RegionFilterSet,
    [
        (label(Region, "code"), lambda o: o.code),
        (label(Region, "name"), lambda o: o.name),
        (label(Region, "level"), lambda o: o.get_level_display()),
        (_("Parent region code"), lambda o: o.parent_id or ""),
        (label(Region, "full_name"), lambda o: o.full_name),
    ],
)
