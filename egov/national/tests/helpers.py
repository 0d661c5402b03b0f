"""Shared pieces of the national sync tests: the fake national portal (fakes/dvcqg.py)
on a free loopback port with the sync pointed at it, a received dossier, the relay,
and readers of what the portal received."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from egov.core import outbox
from egov.dossiers import services as dossiers
from egov.dossiers.tests.factories import APPLICANT, at, district_procedure, full_checklist
from egov.national import circuit, handlers, portal
from fakes.dvcqg import Portal

MONDAY = at(2026, 3, 2, 9, 0)  # a working day, 09:00 in Asia/Ho_Chi_Minh


@pytest.fixture
def national(settings):
    """The fake portal, the sync on (handler registered), fast retries, no
    notifications (their handler would try to reach an SMS gateway first)."""
    with Portal(username="tinh-bac-kan", password="mat-khau-thu") as running:
        settings.NATIONAL_PROVIDER = "dvcqg"
        settings.NATIONAL_URL = running.url
        settings.NATIONAL_USERNAME = "tinh-bac-kan"
        settings.NATIONAL_PASSWORD = "mat-khau-thu"
        settings.NATIONAL_TIMEOUT_SECONDS = 2
        settings.NATIONAL_CIRCUIT_SECONDS = 1
        settings.OUTBOX_BACKOFF_SECONDS = 0
        settings.EGOV_NOTIFY_CHANNELS = []
        cache.delete(portal.SESSION)
        circuit.reset()
        with outbox.registered("dossier.*", handlers.sync_dossier, name=handlers.NAME):
            yield running
        cache.delete(portal.SESSION)
        circuit.reset()


def received(people, *, now=MONDAY, code: str = "2.000884", **kwargs):
    """A paper dossier received complete at the desk (national status 2)."""
    version = district_procedure(code, **kwargs)
    return dossiers.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        components=full_checklist(version),
        applicant={**APPLICANT, "email": "hoang.lan@example.vn"},
        now=now,
    )


def relay(rounds: int = 20) -> int:
    """Relay rounds until nothing is due; the number of events handled."""
    handled = 0
    for _ in range(rounds):
        done = outbox.relay_once(relay="test")
        if not done:
            break
        handled += done
    return handled


def calls(running: Portal, service: str | None = None, outcome: str | None = None) -> list[dict]:
    return [
        r
        for r in running.recorder.items()
        if r["kind"] == "call"
        and (service is None or r["service"] == service)
        and (outcome is None or r["outcome"] == outcome)
    ]


def logins(running: Portal) -> list[dict]:
    return [r for r in running.recorder.items() if r["kind"] == "login"]
