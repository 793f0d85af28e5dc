"""`manage.py api_token CLIENT list|create|rotate|revoke [NAME] [--expires YYYY-MM-DD]`: the named
tokens of an API client. `create` and `rotate` print the new token as the last line (shown once)."""
import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context
from wagecase.integrations import services
from wagecase.integrations.models import ApiClient

from .create_user import validation_messages

ACTIONS = ["list", "create", "rotate", "revoke"]


class Command(BaseCommand):
    help = (
        "List, create, rotate or revoke the named tokens of an API client. create and rotate print the new "
        "token as the last line of the output."
    )

    def add_arguments(self, parser):
        parser.add_argument("client", help="The API client's name.")
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("name", nargs="?", default="", help="The token's name (all actions but list).")
        parser.add_argument("--expires", default="", help="create/rotate: the last day the token works, YYYY-MM-DD.")

    def handle(self, *args, client, action, name, expires="", **options):
        api_client = ApiClient.objects.filter(name=client).select_related("user").first()
        if api_client is None:
            raise CommandError(_("There is no API client named %(name)s.") % {"name": client})
        if action == "list":
            for token in api_client.tokens.order_by("name", "-created"):
                state = _("revoked") if token.revoked_at else _("expired") if token.is_expired else _("active")
                used = f"{timezone.localtime(token.last_used):%Y-%m-%d %H:%M}" if token.last_used else "-"
                self.stdout.write(f"{token.name}\t{token.prefix}…\t{state}\t{used}")
            return
        if not name:
            raise CommandError(_("Name the token."))
        expires_at = self.expiry(expires)
        label = f"manage.py api_token {action}"
        with change_context(source=ChangeSource.COMMAND, label=label):
            try:
                if action == "create":
                    token, key = services.token_create(client=api_client, name=name, expires_at=expires_at)
                else:
                    token = api_client.tokens.filter(name=name, revoked_at__isnull=True).order_by("-created").first()
                    if token is None:
                        raise CommandError(_("%(client)s has no live token named %(name)s.") % {"client": client, "name": name})
                    if action == "revoke":
                        services.token_revoke(token)
                        self.stdout.write(_("Revoked token %(name)s (%(prefix)s…) of %(client)s.")
                                          % {"name": name, "prefix": token.prefix, "client": client})
                        return
                    token, key = services.token_rotate(token, expires_at=expires_at)
            except ValidationError as error:
                raise CommandError(validation_messages(error))
        self.stdout.write(_("Token %(name)s of %(client)s (shown only this once):") % {"name": token.name, "client": client})
        self.stdout.write(key)

    @staticmethod
    def expiry(value):
        if not value:
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(_("Write the expiry as YYYY-MM-DD."))
        # Works through that day, local time.
        return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
