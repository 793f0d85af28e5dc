"""`manage.py restore_db FILE --yes`: replace the configured PostgreSQL database's contents with a dump
made by `manage.py backup_db` (pg_restore --clean --if-exists --no-owner, in one transaction: on any
error nothing changes). Stop the web server, the Celery workers and beat first."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from .backup_db import postgres_settings, run, tool


class Command(BaseCommand):
    help = "Restore the PostgreSQL database from a backup_db dump (replaces every table; needs --yes)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A dump written by backup_db.")
        parser.add_argument("--yes", action="store_true", help="Confirm: the current data is replaced by the dump's.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, file, yes, database, **options):
        name, env = postgres_settings(database)
        source = Path(file)
        if not source.is_file():
            raise CommandError(_("%(file)s is not a file.") % {"file": source})
        if not yes:
            raise CommandError(_(
                "This replaces every table of the database %(name)s with the contents of %(file)s. "
                "Stop the application and the workers, then run again with --yes."
            ) % {"name": name, "file": source})
        # Checks the file before anything is dropped (pg_restore --list reads the archive's table of contents).
        run([tool("pg_restore"), "--list", str(source)], env, "pg_restore --list")
        connections[database].close()  # our own session must not hold a lock on a table to be dropped
        run([tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--dbname={name}", str(source)], env, "pg_restore")
        self.stdout.write(_("Database %(name)s restored from %(file)s.") % {"name": name, "file": source})
