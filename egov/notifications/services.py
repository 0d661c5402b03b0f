"""Sending one notification once (called by the outbox handlers in ``handlers``).

The order of the writes is what makes a retry safe:

1. the record of (event, channel, recipient) is written and committed first, with
   state ``sending`` and the message's stable reference (unique constraint
   ``notification_once``);
2. the message is handed to the SMTP server or the SMS gateway;
3. the record is marked ``sent`` (or ``failed`` with the error, and the handler
   raises so that the outbox retries the event with backoff).

A retry finds the record: ``sent`` means nothing is sent again. ``failed``, or
``sending`` since longer than a relay's lease (the process died between 2 and 3),
means the message is sent again, with the same text and the same reference (taken
with a conditional update, so two relays never both send it): the SMS gateway drops
a reference it already accepted; an e-mail goes out again with the same Message-ID
(SMTP has no way to ask whether a message was accepted, see docs/notifications.md).

These writes are the platform's own bookkeeping of a delivery, not an act of a
person: they take no ``actor`` and write no audit entry (the record is the log)."""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from egov.core import sms
from egov.core.models import OutboxEvent
from egov.dossiers.models import Dossier
from egov.notifications.models import Channel, Notification
from egov.notifications.queries import sent_before


class NotificationFailed(Exception):
    """A message was not accepted; the outbox retries the event."""


def reference_for(event: OutboxEvent, channel: str) -> str:
    """The same on every attempt of one event on one channel."""
    if channel == Channel.EMAIL:
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "egov.localhost"
        return f"<notification.{event.pk}.email@{domain}>"
    return f"egov-notification-{event.pk}-sms"


def _claim(
    event: OutboxEvent,
    dossier: Dossier,
    *,
    kind: str,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
) -> Notification:
    """The record of this event and channel, new or from an earlier attempt (whose
    recipient and text are kept: one event is never sent to two addresses), taken for
    this attempt. ``NotificationFailed`` when another attempt may be under way."""
    now = timezone.now()
    record = sent_before(event, channel)
    if record is None:
        try:
            with transaction.atomic():
                return Notification.objects.create(
                    event=event,
                    dossier=dossier,
                    kind=kind,
                    channel=channel,
                    recipient=recipient,
                    subject=subject[:255],
                    body=body,
                    reference=reference_for(event, channel),
                    state=Notification.State.SENDING,
                    attempts=1,
                    tried_at=now,
                    created_at=now,
                )
        except IntegrityError:  # another relay wrote it a moment ago and is sending
            raise NotificationFailed(f"{channel}: being sent by another relay") from None
    if record.state == Notification.State.SENT:
        return record
    # A relay's lease on the event can run out while it is still sending (a slow
    # batch), and another relay then takes the event: an attempt that started less
    # than a lease ago may still be under way, so it is not repeated yet.
    window = datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    if (
        record.state == Notification.State.SENDING
        and record.tried_at
        and record.tried_at > now - window
    ):
        raise NotificationFailed(f"{channel} #{record.pk}: an attempt is under way")
    # Taken only if nobody took it since it was read (the attempt count as version).
    taken = Notification.objects.filter(
        pk=record.pk, state=record.state, attempts=record.attempts
    ).update(state=Notification.State.SENDING, attempts=record.attempts + 1, tried_at=now)
    if not taken:
        raise NotificationFailed(f"{channel} #{record.pk}: taken by another relay")
    record.state, record.attempts, record.tried_at = (
        Notification.State.SENDING,
        record.attempts + 1,
        now,
    )
    return record


def _hand_over(record: Notification) -> None:
    if record.channel == Channel.EMAIL:
        EmailMessage(
            record.subject,
            record.body,
            settings.DEFAULT_FROM_EMAIL,
            [record.recipient],
            headers={"Message-ID": record.reference},
        ).send()
    else:
        sms.send_sms(record.recipient, record.body, reference=record.reference)


def send_once(
    *,
    event: OutboxEvent,
    dossier: Dossier,
    kind: str,
    channel: str,
    recipient: str,
    subject: str = "",
    body: str,
) -> Notification:
    """Send the notification of ``event`` on ``channel`` unless it was sent already.
    Raises ``NotificationFailed`` (after recording the error) when it was not
    accepted."""
    record = _claim(
        event,
        dossier,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
    )
    if record.state == Notification.State.SENT:
        return record
    try:
        _hand_over(record)
    except Exception as error:  # SMTP or gateway down, refused: retried by the outbox
        record.state = Notification.State.FAILED
        record.last_error = f"{error.__class__.__name__}: {error}"[:4000]
        record.save(update_fields=["state", "last_error"])
        raise NotificationFailed(f"{channel} #{record.pk}: {record.last_error}") from error
    record.state, record.sent_at, record.last_error = Notification.State.SENT, timezone.now(), ""
    record.save(update_fields=["state", "sent_at", "last_error"])
    return record
