"""Shared pieces of the notification tests: the SMS catcher, the relay, a dossier at
each stage, and readers of what the catchers got."""

from __future__ import annotations

from egov.core import outbox
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, at, full_checklist

MONDAY = at(2026, 3, 2, 9, 0)  # a working day
PORTAL = "https://dichvucong.backan.gov.vn"
EMAIL = "hoang.lan@example.vn"
CONTACT = {**APPLICANT, "email": EMAIL}  # phone 0912345678


def relay_round() -> int:
    """One claim-and-deliver round of the outbox relay (one event per dossier)."""
    return outbox.relay_once(relay="test")


def relay() -> None:
    """Deliver until nothing is due (bounded: a failing handler is due again at once
    when the backoff is 0)."""
    for _ in range(30):
        if not relay_round():
            return


def receive(people, version, applicant=CONTACT, now=MONDAY, **kwargs):
    kwargs.setdefault("components", full_checklist(version))
    return services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=applicant,
        now=now,
        **kwargs,
    )


def processing(people, version, applicant=CONTACT):
    dossier = receive(people, version, applicant=applicant)
    return services.forward(actor=people.desk_officer, dossier=dossier, now=MONDAY)


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def subjects(smtp) -> list[str]:
    return [subject(m) for m in smtp.messages]


def subject(message) -> str:
    # Django folds a long encoded subject onto a continuation line; the parser keeps
    # the folding space in front.
    return str(message["Subject"]).strip()
