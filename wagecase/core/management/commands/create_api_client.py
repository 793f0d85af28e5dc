"""`manage.py create_api_client NAME --industry housing [--industry transport ...] --region 6205`: a
bureau account limited to those industries and that region prefix; its token is the last line."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from wagecase.core.choices import ChangeSource, DepartmentKind, Industry, Role
from wagecase.core.context import change_context
from wagecase.core.models import User

from .create_user import check_new_username, default_department, get_region, save_user
from .issue_token import issue_token


class Command(BaseCommand):
    help = (
        "Create a bureau API client limited to industries (housing, transport, water, power, energy, other) "
        "and a region code prefix. Its API token is the last line of the output."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The client's user name.")
        parser.add_argument("--industry", action="append", dest="industries", required=True,
                            help="Repeat for several industries.")
        parser.add_argument("--region", required=True, help="Region code prefix, e.g. 6205.")
        parser.add_argument("--full-name", dest="full_name", default="", help="e.g. the bureau's name.")

    def handle(self, *args, name, industries, region, full_name, **options):
        industries = list(dict.fromkeys(i.strip() for i in industries))
        unknown = [i for i in industries if i not in Industry.values]
        if unknown:
            raise CommandError(
                _("Unknown industry %(industry)s; choose from: %(choices)s.")
                % {"industry": ", ".join(unknown), "choices": ", ".join(Industry.values)}
            )
        with change_context(source=ChangeSource.COMMAND, label="manage.py create_api_client"), transaction.atomic():
            check_new_username(name)
            jurisdiction = get_region(region)
            department = None
            for industry in industries:
                if industry in DepartmentKind.values:
                    department = default_department(industry, jurisdiction)
                    if department:
                        break
            user = User(
                username=name,
                full_name=full_name or name,
                role=Role.BUREAU,
                industries=industries,
                jurisdiction=jurisdiction,
                department=department,
            )
            save_user(user)
            token, _created = issue_token(user)
        self.stdout.write(
            _("Created API client %(name)s for %(industries)s in %(region)s. API token:")
            % {"name": name, "industries": ", ".join(industries), "region": jurisdiction}
        )
        self.stdout.write(token.key)
