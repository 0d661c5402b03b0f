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
                self.stdout.write(f"  installed: trust, CRLs, {count} officers and their seals")
            return
        pki = devpki.create(directory, url=options["url"], people=demo_people(options["limit"]))
        self.stdout.write(f"Development PKI written to {pki.directory}")
        self.stdout.write(f"  timestamp authority: python fakes/tsa.py --dir {pki.directory}")
        self.stdout.write(f"  passphrase of every .p12: {devpki.DEV_PASSPHRASE}")
        if options["install"]:
            with transaction.atomic():
                count = install(pki, limit=options["limit"])
            self.stdout.write(f"  installed: trust, CRLs, {count} officers and their seals")


TITLES = {"agency_leader": "Lãnh đạo", "desk_officer": "Cán bộ tiếp nhận"}


def _officers(limit: int):
    """The agency leaders (who sign results) and desk officers (who sign forms 01-05)."""
    from egov.directory.models import OfficerRole

    roles = OfficerRole.objects.filter(role__in=list(TITLES)).select_related(
        "officer__user", "officer__agency"
    )
    return list(roles.order_by("role", "officer__agency_id", "officer_id")[: 2 * limit])


def _file(officer) -> str:
    return f"officer-{officer.user.username}"


def _seal_file(agency) -> str:
    return f"seal-{agency.code}"


def demo_people(limit: int) -> list[tuple[str, str, str, str, str]]:
    """A certificate in each officer's own name (and a seal in each agency's), for the
    officers ``install`` equips."""
    people, seals = [], {}
    for role in _officers(limit):
        officer = role.officer
        name = officer.user.full_name or officer.user.username
        agency = officer.agency.name
        people.append((_file(officer), name, TITLES[role.role], agency, "personal"))
        seals[officer.agency_id] = (_seal_file(officer.agency), agency, "", agency, "seal")
    return people + list(seals.values())


def install(pki: devpki.DevPKI, *, limit: int = 50) -> int:
    """Trust, CRLs, and a credential for each leader (their own certificate, or the
    development leader's when the PKI was made without them) and each desk officer
    with a certificate of their own, a seal for each of their agencies."""
    services.add_trusted_certificate(actor=None, data=pki.pem("root"), is_root=True)
    services.add_trusted_certificate(actor=None, data=pki.pem("inter"), is_root=False)
    for crl in pki.crls:
        services.add_revocation_list(actor=None, data=crl)
    sealed: set[int] = set()
    equipped = 0
    for role in _officers(limit):
        officer = role.officer
        own = pki.path(f"{_file(officer)}.p12")
        if own.exists():
            data = own.read_bytes()
        elif role.role == "agency_leader":
            data = pki.p12("leader")
        else:
            continue  # a desk officer signs forms only with a certificate of their own
        Credential.objects.filter(holder=officer.user, active=True).update(active=False)
        services.import_pkcs12(
            actor=None,
            agency=officer.agency,
            holder=officer.user,
            data=data,
            passphrase=devpki.DEV_PASSPHRASE,
        )
        equipped += 1
        if officer.agency_id not in sealed:
            Credential.objects.filter(
                agency=officer.agency, kind=Credential.Kind.SEAL, active=True
            ).update(active=False)
            seal = pki.path(f"{_seal_file(officer.agency)}.p12")
            services.import_pkcs12(
                actor=None,
                agency=officer.agency,
                data=seal.read_bytes() if seal.exists() else pki.p12("seal"),
                passphrase=devpki.DEV_PASSPHRASE,
                kind=Credential.Kind.SEAL,
            )
            sealed.add(officer.agency_id)
    return equipped
