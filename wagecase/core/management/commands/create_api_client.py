"""`manage.py create_api_client NAME --industry housing [--industry transport ...] --region 6205`: a
bureau account limited to those industries and that region prefix, with its API client and a first
named token ("default"); the token is the last line."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context
from wagecase.integrations.models import parse_rate
from wagecase.integrations.services import DEFAULT_RATE, create_api_client

from .create_user import validation_messages


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
        parser.add_argument("--contact", default="", help="Who to call about this client (name, phone, e-mail).")
        parser.add_argument("--rate", default=DEFAULT_RATE, help=f"Rate limit, e.g. 1200/min (default {DEFAULT_RATE}).")

    def handle(self, *args, name, industries, region, full_name, contact="", rate=DEFAULT_RATE, **options):
        try:
            parse_rate(rate)
        except ValueError:
            raise CommandError(_("Write the rate as a number of requests per second, minute, hour or day, e.g. 1200/min."))
        with change_context(source=ChangeSource.COMMAND, label="manage.py create_api_client"):
            try:
                client, key = create_api_client(name, industries, region, full_name=full_name, contact=contact, rate=rate)
            except ValidationError as error:
                raise CommandError(validation_messages(error))
        user = client.user
        self.stdout.write(
            _("Created API client %(name)s for %(industries)s in %(region)s (rate %(rate)s). API token:")
            % {"name": name, "industries": ", ".join(user.industries), "region": user.jurisdiction, "rate": client.rate}
        )
        self.stdout.write(key)
