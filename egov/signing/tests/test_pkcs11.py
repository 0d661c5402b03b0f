"""The PKCS#11 path against SoftHSM2 (Debian's softhsm2): the leader's key lives on
a token; the PIN typed at signing unlocks it. Wrong PIN, absent token and missing
module are refused with their reason and sign nothing."""

from __future__ import annotations

import os
import subprocess

import pytest

from egov.core.errors import DomainError
from egov.signing import queries, services, verify
from egov.signing.models import Credential
from egov.signing.tests import tools
from egov.signing.tests.conftest import counts
from egov.signing.trust import Trust

PIN = "123456"
TOKEN = "egov-thu-nghiem"


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory, pki):
    module = tools.softhsm_module()
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    config = base / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    # Read by the module when it is loaded (in this process, by python-pkcs11).
    os.environ["SOFTHSM2_CONF"] = str(config)
    env = {**os.environ, "SOFTHSM2_CONF": str(config)}
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            "12345678",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(pki.path("leader.key")),
            "--token",
            TOKEN,
            "--label",
            "leader",
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    return module


@pytest.fixture
def on_token(people, signing_setup, softhsm, pki):
    leader = people.agency_leader
    Credential.objects.filter(holder=leader).update(active=False)
    return services.register_pkcs11(
        actor=None,
        agency=leader.officer.agency,
        holder=leader,
        module=softhsm,
        token=TOKEN,
        key_label="leader",
        certificate=pki.pem("leader"),
        chain=[pki.pem("inter"), pki.pem("root")],
    )


def test_signs_with_the_key_on_the_token(people, on_token, to_leader):
    assert queries.personal_credential(people.agency_leader) == on_token
    signed = services.sign_result(actor=people.agency_leader, dossier=to_leader(), passphrase=PIN)
    assert signed.personal == on_token and signed.personal.backend == "pkcs11"
    report = verify.verify_pdf(signed.result_file.file.read(), Trust.configured())
    assert report["indication"] == "TOTAL_PASSED", report
    assert report["signatures"][0]["signer"] == "Nguyễn Văn An"


def _refused(code, call):
    before = counts()
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.code == code, refused.value
    assert counts() == before


def test_wrong_pin(people, on_token, to_leader):
    dossier = to_leader()
    _refused(
        "pin_wrong",
        lambda: services.sign_result(
            actor=people.agency_leader, dossier=dossier, passphrase="000000"
        ),
    )


def test_token_absent(people, on_token, to_leader):
    Credential.objects.filter(pk=on_token.pk).update(pkcs11_token="token-da-rut-ra")
    dossier = to_leader()
    _refused(
        "token_absent",
        lambda: services.sign_result(actor=people.agency_leader, dossier=dossier, passphrase=PIN),
    )


def test_module_missing(people, on_token, to_leader):
    Credential.objects.filter(pk=on_token.pk).update(pkcs11_module="/usr/lib/khong-co.so")
    dossier = to_leader()
    _refused(
        "token_module_missing",
        lambda: services.sign_result(actor=people.agency_leader, dossier=dossier, passphrase=PIN),
    )
