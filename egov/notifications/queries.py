"""Reads of the notifications app: whom to tell, what the event said, what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from egov.core.accounts import phone_digits
from egov.core.models import OutboxEvent
from egov.core.permissions import Action, can
from egov.dossiers.models import Dossier, DossierEvent
from egov.notifications.models import Channel, Notification


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""

    def of(self, channel: str) -> str:
        return self.email if channel == Channel.EMAIL else self.phone


def dossier_of(event: OutboxEvent) -> Dossier | None:
    """The dossier an outbox event reports on, with what the texts name."""
    if event.aggregate_type != Dossier._meta.label_lower:
        return None
    return (
        Dossier.objects.select_related("procedure_version", "receiving_agency", "applicant_user")
        .filter(pk=event.aggregate_id)
        .first()
    )


def contact_of(dossier: Dossier) -> Contact:
    """The applicant's addresses: those declared on the dossier, else those of the
    account that filed it. Nobody else (an officer, a representative's other dossiers)
    is ever told."""
    user = dossier.applicant_user
    email = (dossier.applicant_email or (user.email if user else "") or "").strip()
    phone = phone_digits(dossier.applicant_phone or (user.phone if user else ""))
    return Contact(email=email, phone=phone if len(phone) >= 9 else "")


def history_row(event: OutboxEvent, dossier: Dossier) -> DossierEvent | None:
    """The history row written with ``event`` (the reason, the missing items, the
    amount are there, not in the event's payload).

    The dossier services write exactly one history row with action ``<action>`` and
    one outbox event ``dossier.<action>`` in the same transaction, both append-only:
    the n-th event of that topic for the dossier goes with the n-th row of that
    action. Both reads use an index (outbox_aggregate; the dossier's events)."""
    action = event.topic.removeprefix("dossier.")
    number = OutboxEvent.objects.filter(
        aggregate_type=event.aggregate_type,
        aggregate_id=event.aggregate_id,
        id__lte=event.pk,
        topic=event.topic,
    ).count()
    rows = DossierEvent.objects.filter(dossier=dossier, action=action).order_by("id")
    row = rows[number - 1 : number].first() if number else None
    # Rows written without an event (demo or bench data) shift the count: the latest.
    return row or rows.last()


def sent_before(event: OutboxEvent, channel: str) -> Notification | None:
    """The record of ``event`` on ``channel``, if an earlier attempt wrote one."""
    return Notification.objects.filter(event=event, channel=channel).first()


def channels_tried(event: OutboxEvent) -> dict[str, str]:
    """The channels an earlier attempt of ``event`` recorded, with their recipient."""
    return dict(Notification.objects.filter(event=event).values_list("channel", "recipient"))


def notifications_of(actor: Any, dossier: Dossier) -> QuerySet[Notification] | None:
    """What the applicant was sent about ``dossier``, oldest first, for an officer who
    may read the dossier (None otherwise). For a section of the dossier's page."""
    if not getattr(actor, "is_officer", False) and not getattr(actor, "is_superuser", False):
        return None
    if not can(actor, Action.VIEW, dossier):
        return None
    return Notification.objects.filter(dossier=dossier).order_by("created_at", "id")


def masked(recipient: str) -> str:
    """An address as a list shows it: enough to tell which one, not to copy it
    ("0912***678", "ho***@example.vn")."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{recipient[:4]}***{recipient[-3:]}" if len(recipient) > 7 else "***"
