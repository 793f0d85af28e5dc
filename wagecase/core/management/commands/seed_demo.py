"""`manage.py seed_demo`: build (or top up) the demo jurisdiction, idempotently."""
from django.core.management.base import BaseCommand

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context


class Command(BaseCommand):
    help = "Load realistic demo data for Tianshui city (6205); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (the same seed gives the same data)")

    def handle(self, *args, seed, **options):
        from wagecase.core.demo import run_seeders

        with change_context(source=ChangeSource.COMMAND, label="manage.py seed_demo"):
            run_seeders(out=lambda line: self.stdout.write(line), seed=seed)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
