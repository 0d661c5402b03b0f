"""Import agencies and/or officers from CSV or XLSX files (docs/directory.md).

manage.py import_directory --agencies coquan.xlsx --dry-run
manage.py import_directory --agencies coquan.csv --officers canbo.csv
manage.py import_directory --agencies coquan.csv --valid-only --as-user quantri.tinh
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov.core.permissions import SYSTEM
from egov.directory.importing import AUTO_TIER, run_import
from egov.directory.models import User
from egov.directory.tabular import FileRejected


class Command(BaseCommand):
    help = "Nhập cơ quan, cán bộ từ tệp CSV/XLSX (import agencies and officers)."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", help="CSV/XLSX file of agencies")
        parser.add_argument("--officers", help="CSV/XLSX file of officers")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and list every problem; write nothing",
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="write the valid rows and report the rejected ones (default: all or nothing)",
        )
        parser.add_argument(
            "--default-tier",
            default=AUTO_TIER,
            help="tier code for rows without one (default 'auto': guessed "
            "from the code and the name)",
        )
        inference = parser.add_mutually_exclusive_group()
        inference.add_argument(
            "--infer-parents",
            dest="infer_parents",
            action="store_true",
            default=None,
            help="infer missing parents from the QCVN 102 code structure "
            "(default when the file has no parent column)",
        )
        inference.add_argument(
            "--no-infer-parents",
            dest="infer_parents",
            action="store_false",
            help="rows without a parent become roots",
        )
        parser.add_argument(
            "--as-user", help="act (and be audited) as this user instead of the system"
        )

    def handle(self, *args, **options):
        if not options["agencies"] and not options["officers"]:
            raise CommandError(
                "Cần --agencies và/hoặc --officers. / Give --agencies and/or --officers."
            )
        actor = SYSTEM
        if options["as_user"]:
            try:
                actor = User.objects.get(username=options["as_user"], is_active=True)
            except User.DoesNotExist:
                raise CommandError(
                    f"Không có người dùng '{options['as_user']}'. / "
                    f"No active user '{options['as_user']}'."
                )
        files = {}
        for kind in ("agencies", "officers"):
            if options[kind]:
                path = Path(options[kind])
                try:
                    files[kind] = path.read_bytes()
                except OSError as exc:
                    raise CommandError(
                        f"Không đọc được tệp {path}: {exc.strerror}. / "
                        f"Cannot read {path}: {exc.strerror}."
                    )
                files[f"{kind}_name"] = path.name
        try:
            result = run_import(
                actor=actor,
                dry_run=options["dry_run"],
                valid_only=options["valid_only"],
                default_tier=options["default_tier"],
                infer_parents=options["infer_parents"],
                **files,
            )
        except FileRejected as rejected:
            raise CommandError(
                f"Tệp bị từ chối, không ghi gì. / File rejected, nothing "
                f"written.\n{rejected.message}\n{rejected.message_en} "
                f"[{rejected.code}]"
            )
        for line in result.lines():
            self.stdout.write(line)
        if result.problems and not result.written:
            raise CommandError(f"{len(result.problems)} lỗi / problem(s).")
