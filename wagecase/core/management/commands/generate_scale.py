"""`manage.py generate_scale --scale tiny|small|province [--seed N]`: benchmark data (a loader, see wagecase.core.scale)."""
import json
import os
import resource

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wagecase.core.scale import SCALES, GenerateRefused, generate


class Command(BaseCommand):
    help = ("Fill the database with province-scale benchmark data for Gansu (COPY on PostgreSQL). A LOADER: it bypasses "
            "the services and the change log. Refuses a database holding other data unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same data")
        parser.add_argument("--force", action="store_true", help="add generated data to a database that holds other data")
        parser.add_argument("--yes", action="store_true", help="run although DEBUG is off and these are not test settings")
        parser.add_argument("--json", dest="json_path", metavar="PATH", help="also write the per-table timings as JSON to PATH")
        parser.add_argument("--database", default="default")

    def handle(self, *args, scale, seed, force, yes, json_path, database, **options):
        module = getattr(settings, "SETTINGS_MODULE", "") or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        safe = settings.DEBUG or module.endswith((".test", ".local"))
        if not safe and not yes:
            raise CommandError(f"Settings {module or '?'} have DEBUG off: this looks like production. "
                               "generate_scale writes benchmark data straight into the tables; pass --yes if you mean it.")
        if scale == "province" and settings.DATABASES[database]["ENGINE"].endswith("sqlite3"):
            raise CommandError("Province scale needs PostgreSQL (set DATABASE_URL); SQLite is for tiny and small.")
        engine = settings.DATABASES[database]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"generate_scale: {scale} {SCALES[scale]} seed {seed} on {engine}")
        try:
            result = generate(scale=scale, seed=seed, using=database, force=force, out=self.stdout.write)
        except GenerateRefused as refused:
            raise CommandError(str(refused)) from None
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"  peak memory (max RSS) {peak_mb:,.0f} MB")
        if json_path:
            with open(json_path, "w") as fh:
                json.dump({**result, "scale": scale, "peak_rss_mb": round(peak_mb)}, fh, indent=2)
        self.stdout.write(self.style.SUCCESS(f"generated {result['rows']:,} rows in {result['seconds']:.1f} s"))

