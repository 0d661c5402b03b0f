"""The province administrator's trust and key configuration, from the shell (each
through ``egov.signing.services``, audited as the system):

    manage.py signing_trust add-root ROOT.pem
    manage.py signing_trust add-intermediate CA.pem
    manage.py signing_trust add-crl CA.crl
    manage.py signing_trust import-p12 FILE.p12 --agency CODE [--user NAME | --seal]
    manage.py signing_trust register-pkcs11 --module SO --token LABEL --key-label KEY
        --cert CERT.pem [--chain CA.pem ...] --agency CODE [--user NAME | --seal]

The passphrase (PIN) comes from EGOV_SIGNING_PASSPHRASE, else it is asked without echo;
only a seal's is kept (sealed with EGOV_SIGNING_KEY)."""

import getpass
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from egov.core.errors import DomainError
from egov.signing import services


def _secret(prompt: str) -> str:
    return os.environ.get("EGOV_SIGNING_PASSPHRASE") or getpass.getpass(prompt)


class Command(BaseCommand):
    help = "Configure trust roots, CRLs and signing credentials (PKCS#12, PKCS#11)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        for name in ("add-root", "add-intermediate", "add-crl"):
            sub.add_parser(name).add_argument("file")
        p12 = sub.add_parser("import-p12")
        p12.add_argument("file")
        p11 = sub.add_parser("register-pkcs11")
        for flag in ("--module", "--token", "--key-label", "--cert"):
            p11.add_argument(flag, required=True)
        p11.add_argument("--chain", action="append", default=[])
        for p in (p12, p11):
            p.add_argument("--agency", required=True, help="QCVN 102 code")
            who = p.add_mutually_exclusive_group(required=True)
            who.add_argument("--user", help="the officer (personal signature)")
            who.add_argument("--seal", action="store_true", help="the agency's seal")

    def handle(self, *args, **o):
        try:
            with transaction.atomic():
                self._handle(o)
        except DomainError as refused:
            raise CommandError(f"{refused.code}: {refused.message} ({refused.message_en})")

    def _handle(self, o):
        what = o["what"]
        if what in ("add-root", "add-intermediate"):
            row = services.add_trusted_certificate(
                actor=None, data=Path(o["file"]).read_bytes(), is_root=what == "add-root"
            )
            self.stdout.write(f"trusted: {row.name}")
            return
        if what == "add-crl":
            row = services.add_revocation_list(actor=None, data=Path(o["file"]).read_bytes())
            self.stdout.write(f"CRL of {row.issuer}")
            return
        from egov.directory.models import Agency, User

        agency = Agency.objects.filter(code=o["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency {o['agency']}")
        holder = None
        if o.get("user"):
            holder = User.objects.filter(username=o["user"]).first()
            if holder is None:
                raise CommandError(f"no user {o['user']}")
        kind = "seal" if o["seal"] else "personal"
        if what == "import-p12":
            row = services.import_pkcs12(
                actor=None,
                agency=agency,
                holder=holder,
                kind=kind,
                data=Path(o["file"]).read_bytes(),
                passphrase=_secret("Passphrase: "),
            )
        else:
            row = services.register_pkcs11(
                actor=None,
                agency=agency,
                holder=holder,
                kind=kind,
                module=o["module"],
                token=o["token"],
                key_label=o["key_label"],
                certificate=Path(o["cert"]).read_bytes(),
                chain=[Path(c).read_bytes() for c in o["chain"]],
                pin=_secret("PIN of the seal's token: ") if o["seal"] else "",
            )
        self.stdout.write(f"credential {row.pk}: {row}")
