"""Create the development PKI (``egov.signing.devpki``) and, with ``--install``,
configure it: its root and intermediate as trust, its CRLs, and for each agency leader
the development personal certificate and for their agency the seal (PKCS#12, the
passphrase printed). Never for production."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from egov.signing import conf, devpki, services
from egov.signing.models import Credential, TrustedCertificate


class Command(BaseCommand):
    help = "Create the development PKI (root, intermediate, officers, seals, CRL, TSA)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="default: EGOV_SIGNING_PKI_DIR")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8790",
            help="where fakes/tsa.py answers (written into the certificates)",
        )
        parser.add_argument("--install", action="store_true", help="configure it in the database")
        parser.add_argument("--limit", type=int, default=50, help="leaders to equip at most")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when the PKI exists and trust is configured (make run)",
        )

    def handle(self, *args, **options):
        directory = options["dir"] or conf.pki_dir()
        if options["if_missing"] and (Path(directory) / "manifest.json").exists():
            self.stdout.write(f"Development PKI already in {directory}")
            if options["install"] and not TrustedCertificate.objects.exists():
                with transaction.atomic():
                    count = install(devpki.DevPKI(Path(directory)), limit=options["limit"])
                self.stdout.write(f"  installed: trust, CRLs, {count} leaders and their seals")
            return
        pki = devpki.create(directory, url=options["url"])
        self.stdout.write(f"Development PKI written to {pki.directory}")
        self.stdout.write(f"  timestamp authority: python fakes/tsa.py --dir {pki.directory}")
        self.stdout.write(f"  passphrase of every .p12: {devpki.DEV_PASSPHRASE}")
        if options["install"]:
            with transaction.atomic():
                count = install(pki, limit=options["limit"])
            self.stdout.write(f"  installed: trust, CRLs, {count} leaders and their seals")


def install(pki: devpki.DevPKI, *, limit: int = 50) -> int:
    from egov.directory.models import OfficerRole

    services.add_trusted_certificate(actor=None, data=pki.pem("root"), is_root=True)
    services.add_trusted_certificate(actor=None, data=pki.pem("inter"), is_root=False)
    for crl in pki.crls:
        services.add_revocation_list(actor=None, data=crl)
    roles = OfficerRole.objects.filter(role="agency_leader").select_related(
        "officer__user", "officer__agency"
    )[:limit]
    sealed: set[int] = set()
    for role in roles:
        officer = role.officer
        Credential.objects.filter(holder=officer.user, active=True).update(active=False)
        services.import_pkcs12(
            actor=None,
            agency=officer.agency,
            holder=officer.user,
            data=pki.p12("leader"),
            passphrase=devpki.DEV_PASSPHRASE,
        )
        if officer.agency_id not in sealed:
            Credential.objects.filter(
                agency=officer.agency, kind=Credential.Kind.SEAL, active=True
            ).update(active=False)
            services.import_pkcs12(
                actor=None,
                agency=officer.agency,
                data=pki.p12("seal"),
                passphrase=devpki.DEV_PASSPHRASE,
                kind=Credential.Kind.SEAL,
            )
            sealed.add(officer.agency_id)
    return len(roles)
