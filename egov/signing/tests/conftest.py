"""Fixtures of the signing tests: one development PKI per session, served by the
local TSA / OCSP (fakes/tsa.py) on a free loopback port; the trust configured in the
test database; the sample PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from egov.signing import devpki
from egov.signing.tests import samples, tools
from fakes.tsa import Authority


@pytest.fixture(scope="session")
def authority(tmp_path_factory):
    tools.need("openssl ts")
    directory = tmp_path_factory.mktemp("signing-pki")
    with Authority(directory) as running:
        running.pki = devpki.create(directory, url=running.url)
        running.tsa_url = running.url + "/tsa"
        yield running


@pytest.fixture(scope="session")
def pki(authority) -> devpki.DevPKI:
    return authority.pki


@pytest.fixture
def signing_setup(db, authority, settings):
    """The development PKI configured as trust, the leader of ``people`` and the
    district's seal equipped, signatures timestamped by the local TSA."""
    from egov.signing.management.commands.signing_dev_pki import install

    settings.SIGNING_TSA_URL = authority.tsa_url
    install(authority.pki)
    return authority


@pytest.fixture(scope="session")
def nssdir(tmp_path_factory, pki) -> Path:
    return tools.nss_database(tmp_path_factory.mktemp("nss"), pki.path("root.pem"))


@pytest.fixture(scope="session")
def sample(authority, pki):
    """Sample PDFs by case, made once."""
    made: dict[str, bytes] = {}

    def get(case: str) -> bytes:
        if case not in made:
            if case == "valid":
                made[case] = samples.valid(pki, authority.tsa_url)
            elif case == "unsigned":
                made[case] = samples.base_pdf()
            elif case in ("expired", "revoked", "untrusted"):
                made[case] = samples.plain_signature(pki, case)
            elif case == "tampered":
                made[case] = samples.tampered(get("valid"))
            elif case == "modified":
                made[case] = samples.modified_after(get("valid"))
            elif case == "field_added":
                made[case] = samples.field_added(get("valid"))
            elif case == "encrypted":
                made[case] = samples.encrypted()
            else:
                raise KeyError(case)
        return made[case]

    return get


@pytest.fixture
def review_version(db):
    from egov.dossiers.tests.factories import district_procedure
    from egov.dossiers.tests.journeys import review_workflow

    return district_procedure(
        "2.000720", workflows=[{"agency": "", "tier": "", "steps": review_workflow()}]
    )


@pytest.fixture
def to_leader(people, review_version):
    """``to_leader()``: a new dossier at the leader's step ("Phê duyệt, ký kết quả")."""
    from egov.dossiers import services
    from egov.dossiers.tests.factories import APPLICANT, full_checklist

    def make():
        dossier = services.receive(
            actor=people.desk_officer,
            procedure_code=review_version.code,
            channel="counter",
            applicant=APPLICANT,
            components=full_checklist(review_version),
        )
        dossier = services.forward(actor=people.desk_officer, dossier=dossier)
        dossier = services.advance(actor=people.specialist, dossier=dossier)
        return services.advance(actor=people.department_head, dossier=dossier)

    return make


def counts() -> dict[str, int]:
    """Rows a refusal must not write."""
    from egov.core.models import AuditEntry, OutboxEvent
    from egov.dossiers.models import ResultFile
    from egov.signing.models import Batch, SignedResult

    return {
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxEvent.objects.count(),
        "results": ResultFile.objects.count(),
        "signed": SignedResult.objects.count(),
        "batches": Batch.objects.count(),
    }
