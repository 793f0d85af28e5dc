"""`manage.py backup_db --output FILE`: a dump of the PostgreSQL database (pg_dump's custom format,
compressed; DATABASE_URL's host, port, user and password). Restore it with `manage.py restore_db FILE --yes`.

Uploaded files (MEDIA_ROOT: photos, generated documents and exports) are not in the database: back that
directory up as well (README, "Backup and restore")."""
import os
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _


def postgres_settings(alias):
    """(database name, environment with the PG* variables) of the database `alias`; CommandError
    when it is not PostgreSQL."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise CommandError(_(
            "backup_db and restore_db work on PostgreSQL only (this database is %(vendor)s). "
            "A SQLite database is one file: copy it while the application is stopped."
        ) % {"vendor": connection.vendor})
    params = connection.settings_dict
    env = {**os.environ}
    for key, name in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")]:
        if params.get(key):
            env[name] = str(params[key])
        else:
            env.pop(name, None)
    options = params.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return params["NAME"], env


def tool(name):
    """The path of pg_dump/pg_restore, or a CommandError saying what to install."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(_("%(tool)s was not found: install the PostgreSQL client (apt-get install postgresql-client).")
                           % {"tool": name})
    return path


def run(args, env, what):
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(_("%(what)s failed (exit %(code)s): %(error)s")
                           % {"what": what, "code": done.returncode, "error": done.stderr.strip()[-2000:]})
    return done


class Command(BaseCommand):
    help = "Dump the PostgreSQL database to FILE (pg_dump -Fc); restore it with restore_db."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="The dump file to write (e.g. wagecase-20261203.dump).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, output, database, **options):
        name, env = postgres_settings(database)
        target = Path(output)
        if target.parent and not target.parent.is_dir():
            raise CommandError(_("The directory %(dir)s does not exist.") % {"dir": target.parent})
        # Written next to the target and renamed when complete: a failed dump never leaves a half file.
        partial = target.with_name(target.name + ".partial")
        try:
            run([tool("pg_dump"), "--format=custom", f"--file={partial}",
                 f"--dbname={name}"], env, "pg_dump")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        size = target.stat().st_size
        self.stdout.write(_("Database %(name)s written to %(file)s (%(size)s bytes).")
                          % {"name": name, "file": target, "size": f"{size:,}"})
