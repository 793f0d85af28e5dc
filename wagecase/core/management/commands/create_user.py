"""`manage.py create_user USERNAME --role ROLE --region CODE [--password P]`: a staff user of that
role and jurisdiction; its API token is printed as the last line."""
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from wagecase.core.choices import ChangeSource, DepartmentKind, Role
from wagecase.core.context import change_context
from wagecase.core.models import Department, Region, User

from .issue_token import issue_token

STAFF_ROLES = [Role.INSPECTOR, Role.OFFICE_STAFF, Role.OFFICE_HEAD, Role.ADMIN]


def validation_messages(error):
    """A Django ValidationError as one line per message, prefixed with its field."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {message}" if field != "__all__" else str(message)
            for field, errors in error.error_dict.items()
            for e in errors
            for message in e.messages
        )
    return "; ".join(str(m) for m in error.messages)


def get_region(code):
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise CommandError(_("There is no region with code %(code)s.") % {"code": code})
    return region


def check_new_username(username):
    if User.objects.filter(username=username).exists():
        raise CommandError(_("A user named %(username)s already exists.") % {"username": username})


def default_department(kind, region):
    """The department of `kind` responsible for the region (the nearest one up the tree), if any."""
    return Department.responsible_for(kind, region.code)


def save_user(user, password=None):
    """Validate (the model's full_clean, the password validators) and save; CommandError if invalid."""
    try:
        if password:
            validate_password(password, user)
            user.set_password(password)
        else:
            # Token only, until an administrator sets a password.
            user.set_unusable_password()
        user.full_clean()
    except ValidationError as error:
        raise CommandError(validation_messages(error))
    user.save()
    return user


class Command(BaseCommand):
    help = (
        "Create a staff user with a role (inspector, office_staff, office_head, admin) and a jurisdiction "
        "(region code). The user's API token is the last line of the output."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="inspector | office_staff | office_head | admin")
        parser.add_argument("--region", required=True, help="Region code of the jurisdiction, e.g. 620502 or 6205.")
        parser.add_argument("--password", help="Without it the user can use the API token only.")
        parser.add_argument("--full-name", dest="full_name", default="")
        parser.add_argument("--department-id", dest="department_id", type=int, help="Default: the region's own office.")
        parser.add_argument("--signs-for", dest="signs_for", default="", choices=["", "locality", "department"],
                            help="Signs reports sent up as the locality's or the department's responsible person.")

    def handle(self, *args, username, role, region, password, full_name, department_id, signs_for="", **options):
        if role not in STAFF_ROLES:
            raise CommandError(
                _("Unknown role %(role)s; choose one of: %(roles)s.") % {"role": role, "roles": ", ".join(STAFF_ROLES)}
            )
        with change_context(source=ChangeSource.COMMAND, label="manage.py create_user"), transaction.atomic():
            check_new_username(username)
            jurisdiction = get_region(region)
            if department_id is not None:
                department = Department.objects.filter(pk=department_id).first()
                if department is None:
                    raise CommandError(_("There is no department with id %(id)s.") % {"id": department_id})
            else:
                kind = DepartmentKind.LABOUR_INSPECTION if role == Role.INSPECTOR else DepartmentKind.HRSS
                department = default_department(kind, jurisdiction) or default_department(DepartmentKind.HRSS, jurisdiction)
            user = User(
                username=username,
                full_name=full_name,
                role=role,
                jurisdiction=jurisdiction,
                department=department,
                is_staff=role == Role.ADMIN,
                signs_for=signs_for or "",
            )
            save_user(user, password)
            token, _created = issue_token(user)
        self.stdout.write(
            _("Created %(role)s %(username)s, jurisdiction %(region)s, department %(department)s. API token:")
            % {
                "role": user.get_role_display(),
                "username": username,
                "region": jurisdiction,
                "department": department or "-",
            }
        )
        self.stdout.write(token.key)
