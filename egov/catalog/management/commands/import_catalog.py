"""Import a catalogue file from the command line, with a progress bar:
``manage.py import_catalog FILE [--portal]``. All or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Import a catalogue file (.xlsx, .zip of CSV, .csv) or, with --portal, a portal export."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--portal",
            action="store_true",
            help="the file is the national portal's procedure-list export",
        )

    def handle(self, *args, **options):
        from egov.catalog import importing, portal
        from egov.core.permissions import SYSTEM

        path = Path(options["file"])
        data = path.read_bytes()

        def progress(phase: str, done: int, total: int) -> None:
            width = 40
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r{phase:9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")

        try:
            if options["portal"]:
                summary = portal.import_list(data, path.name, actor=SYSTEM, progress=progress)
            else:
                summary = importing.import_catalog(data, path.name, actor=SYSTEM, progress=progress)
        except importing.ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message_en) from exc
        self.stdout.write(str(summary))
