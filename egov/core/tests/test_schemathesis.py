"""The API against its committed schema (issue 11, finding 9): schemathesis runs every
check (``--checks all``) on every operation of docs/api/openapi.yaml, against the
real server on loopback, logged in as a desk officer and as a citizen. Any 5xx, any
response that its schema does not describe, any status the schema does not list fails.

Bounded and repeatable: deterministic generation (no seed, no example database), one
worker, a few examples per operation (the coverage phase adds its edge cases: missing
and malformed parameters, headers and bodies), a time-out per run.

Statuses the checks accept beyond their defaults, and why (schemathesis.toml below):
schema-valid input can still break a business rule the schema cannot express (400 with
the rule's code, 409 for a lifecycle refusal or a stale version, 422 for an
Idempotency-Key reused with another body, 429 if a throttle counts the run's requests);
a missing ``If-Match`` is 428 Precondition Required (RFC 6585), the status made for it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

SCHEMA = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"
ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = 3
TIMEOUT = int(os.environ.get("EGOV_SCHEMATHESIS_TIMEOUT", "240"))  # seconds, each run

# The 21 dossier actions share one view (ActionView): every edge case of the coverage
# phase is run on three of them (no body fields, several fields, the applicant's);
# all 21 get the fuzzing phase.
COVERED_ACTIONS = ("forward", "consult", "withdraw")

CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "403", "404", "409", "422", "429"]

[checks.missing_required_header]
expected-statuses = ["400", "403", "404", "428", "429"]

[[operations]]
include-path-regex = "/actions/(?!({covered})$)"
phases.coverage.enabled = false

[[operations]]
# Without If-Match (and without the body's version: schemathesis_hooks.py) an action is
# 428, or 422 first when the Idempotency-Key was already used with another body.
include-path-regex = "/actions/"
checks.missing_required_header.expected-statuses = ["400", "403", "404", "422", "428", "429"]

[[operations]]
include-path-regex = "^/api/v1/dossiers/[{{]code[}}]"
parameters = {{ "path.code" = "{code}" }}
{extra}
"""
# The citizen's run: the operations a citizen uses; the edge cases of the online
# submission (the officer's run covers the others).
CITIZEN_OPERATIONS = "^/api/v1/(dossiers|applicants|public)"
OFFICER_ONLY = """
[[operations]]
include-path-regex = "^/api/v1/dossiers/online$"
phases.coverage.enabled = false
"""
CITIZEN_ONLY = """
[[operations]]
include-path-regex = "^/api/v1/(?!dossiers/online$)"
phases.coverage.enabled = false
"""


def _session_headers(user) -> list[str]:
    """Cookie and CSRF headers of a logged-in session of ``user``: the API's
    authentication is the session cookie, with the CSRF token on writes."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Any 32 letters and digits make a CSRF secret: the cookie and the header must match.
    csrf = "schemathesisCsrfSecret0123456789"
    return [
        "-H",
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "-H",
        f"X-CSRFToken: {csrf}",
    ]


@pytest.fixture
def dossiers(people, places):
    """Real objects for the operations to find: a paper dossier received at the desk
    and an online one submitted by the citizen."""
    version = district_procedure()
    received = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    online = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    return received, online


def _run(live_server, tmp_path, user, code: str, citizen: bool) -> tuple[int, str]:
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        CONFIG.format(
            covered="|".join(COVERED_ACTIONS),
            code=code,
            extra=CITIZEN_ONLY if citizen else OFFICER_ONLY,
        )
    )
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        str(SCHEMA),
        "--url",
        live_server.url,
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--generation-with-security-parameters",
        "false",
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-shrink",
        "--no-color",
        "--warnings",
        "off",
        *_session_headers(user),
        *(["--include-path-regex", CITIZEN_OPERATIONS] if citizen else []),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "egov.core.tests.schemathesis_hooks",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    out = tmp_path / "schemathesis.txt"
    with out.open("w") as sink:
        finished = subprocess.run(
            command, stdout=sink, stderr=subprocess.STDOUT, timeout=TIMEOUT, env=env, cwd=tmp_path
        )
    return finished.returncode, out.read_text()


@pytest.mark.parametrize("persona", ["desk_officer", "citizen"])
def test_the_api_keeps_to_its_schema(
    committed_db, live_server, people, dossiers, tmp_path, persona
):
    received, online = dossiers
    citizen = persona == "citizen"
    code = online.code if citizen else received.code
    status, report = _run(live_server, tmp_path, getattr(people, persona), code, citizen)
    assert status == 0, report[-20000:]
    # "N generated, N passed" (a failure reads "N generated, 2 found 2 unique failures").
    assert re.search(r"\d+ generated, \d+ passed", report), report[-20000:]
