import json
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from egov.catalog import cache as catalog_cache
from egov.national import conf


class Command(BaseCommand):
    help = (
        "Demo: the fake national portal (fakes/dvcqg.py, at EGOV_NATIONAL_URL) delivers a "
        "dossier filed there to this back office (its inbound endpoint), as citizens' "
        "dossiers from the national portal arrive at a desk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--procedure", required=True, help="national procedure code")
        parser.add_argument("--agency", required=True, help="receiving agency code")
        parser.add_argument(
            "--to",
            default="http://127.0.0.1:8000/national/inbound/dossiers",
            help="this back office's inbound endpoint",
        )
        parser.add_argument("--id-number", default="006090004321")
        parser.add_argument("--name", default="Nông Văn Dền")

    def handle(self, *args, **options):
        version = catalog_cache.version_in_force(options["procedure"], None)
        if version is None:
            raise CommandError(f"no version in force for {options['procedure']}")
        stamp = timezone.localtime().strftime("%y%m%d%H%M%S")
        message = {
            "MaHoSoQG": f"G22.DVCQG-{stamp}",
            "MaTTHC": version.code,
            "MaCoQuanTiepNhan": options["agency"],
            "TrichYeuHoSo": version.name,
            "ChuHoSo": {
                "HoTen": options["name"],
                "LoaiDoiTuong": 1,
                "SoDinhDanh": options["id_number"],
                "SoDienThoai": "0987654321",
            },
            "TaiLieuNop": [
                {"TenThanhPhan": c.name, "TenTep": f"thanh-phan-{n + 1}.pdf"}
                for n, c in enumerate(version.components.all())
            ],
        }
        order = {
            "deliver": {"to": options["to"], "token": conf.inbound_token(), "message": message}
        }
        request = urllib.request.Request(
            f"{conf.url()}/control",
            data=json.dumps(order, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            result = json.loads(answer.read())
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if result.get("status") not in (200, 201):
            raise CommandError("the back office did not accept the dossier")
