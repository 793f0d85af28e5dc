"""`manage.py issue_token USERNAME`: create (or return) a user's API token, printed as the last line."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context
from wagecase.core.models import User


def issue_token(user):
    """The user's token, created if it has none: (token, created)."""
    return Token.objects.get_or_create(user=user)


class Command(BaseCommand):
    help = "Create (or return) a user's API token. The token is the last line of the output."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        with change_context(source=ChangeSource.COMMAND, label="manage.py issue_token"):
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("There is no user named %(username)s.") % {"username": username})
            if not user.is_active:
                raise CommandError(_("User %(username)s is inactive.") % {"username": username})
            token, created = issue_token(user)
        if created:
            self.stdout.write(_("Created an API token for %(username)s:") % {"username": username})
        else:
            self.stdout.write(_("The API token of %(username)s:") % {"username": username})
        self.stdout.write(token.key)
