"""Compile the project's .po catalogues to .mo with polib, so a fresh machine needs no GNU gettext.

Looks in LOCALE_PATHS and in the `locale/` folder of every installed app that lives in this
repository (third-party packages ship their own .mo files). A catalogue is rebuilt when its .mo
is missing or older than the .po, like `compilemessages`; fuzzy and untranslated entries are left
out, as msgfmt does."""
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def locale_dirs():
    base = Path(settings.BASE_DIR).resolve()
    dirs = [Path(path) for path in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        app_dir = Path(config.path).resolve()
        if app_dir.is_relative_to(base) and not app_dir.is_relative_to(base / ".venv"):
            dirs.append(app_dir / "locale")
    seen, result = set(), []
    for path in dirs:
        path = path.resolve()
        if path not in seen and path.is_dir():
            seen.add(path)
            result.append(path)
    return result


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po of the project to .mo (pure Python, no gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even when the .mo file is up to date.")

    def handle(self, *args, force=False, **options):
        compiled = current = 0
        for directory in locale_dirs():
            for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    current += 1
                    continue
                try:
                    catalogue = polib.pofile(str(po_path), encoding="utf-8")
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(
                    f"{po_path}: {len(catalogue.translated_entries())} messages ({catalogue.percent_translated()}% translated)"
                )
        self.stdout.write(f"compile_translations: {compiled} compiled, {current} up to date")
