"""Outbox handlers: each change of a dossier the applicant cares about is sent to the
applicant by e-mail and SMS (``TOPICS``; the topics are those of
``egov.dossiers.services.base._record``: ``dossier.<action>``).

One handler for every topic, under one stable name: the outbox records that the
handler succeeded for an event and never calls it again for that event; when it is
called again anyway (a relay died before recording), ``services.send_once`` finds the
channel's record and sends nothing new."""

from __future__ import annotations

import logging

from django.conf import settings

from egov.core import outbox, sms
from egov.core.models import OutboxEvent
from egov.notifications import queries, services, texts
from egov.notifications.models import Channel, Kind

log = logging.getLogger("egov.notifications")

TOPICS: dict[str, str] = {
    "dossier.submit_online": Kind.SUBMITTED,  # the receipt of an online submission
    "dossier.accept": Kind.RECEIVED,  # the desk accepts an online dossier
    "dossier.receive_complete": Kind.RECEIVED,  # paper dossier received at the desk
    "dossier.receive_incomplete": Kind.SUPPLEMENT,  # form 02 at the counter
    "dossier.request_reception_supplement": Kind.SUPPLEMENT,  # form 02, online dossier
    "dossier.request_supplement": Kind.SUPPLEMENT,  # by the processing agency
    "dossier.request_financial_obligation": Kind.FEE_DUE,
    "dossier.record_result": Kind.RESULT_READY,
    "dossier.return_result": Kind.RETURNED,
    "dossier.receive_refused": Kind.NOT_RECEIVED,  # form 03 at the counter
    "dossier.refuse_at_reception": Kind.NOT_RECEIVED,
    "dossier.refuse": Kind.REFUSED,  # form 03 after appraisal
    "dossier.apologise_late": Kind.APOLOGY,  # form 04, one new date
    "dossier.withdraw": Kind.WITHDRAWN,
    "dossier.stop": Kind.STOPPED,
}


def notify_applicant(event: OutboxEvent) -> None:
    kind = TOPICS.get(event.topic)
    dossier = queries.dossier_of(event) if kind else None
    if dossier is None:
        return
    contact = queries.contact_of(dossier)
    # A channel already tried for this event goes on with its first recipient, even if
    # the address was removed since (``services.send_once`` keeps it).
    tried = queries.channels_tried(event)
    channels = [
        c
        for c in (Channel.EMAIL, Channel.SMS)
        if c in tried or (c in settings.EGOV_NOTIFY_CHANNELS and contact.of(c))
    ]
    if not channels:
        return  # no address to tell: nothing is sent, nothing recorded
    status = event.payload.get("status") or dossier.status
    values = texts.context(kind, dossier, status, queries.history_row(event, dossier))
    rendered = texts.render(kind, values, sms_unicode=bool(sms.provider().unicode))
    failures = []
    for channel in channels:  # every channel is tried, even after one failed
        try:
            services.send_once(
                event=event,
                dossier=dossier,
                kind=kind,
                channel=channel,
                recipient=contact.of(channel) or tried.get(channel, ""),
                subject=rendered.subject if channel == Channel.EMAIL else "",
                body=rendered.email if channel == Channel.EMAIL else rendered.sms,
            )
        except services.NotificationFailed as error:
            log.warning("notification failed", extra={"event": event.pk, "channel": channel})
            failures.append(str(error))
    if failures:
        raise services.NotificationFailed("; ".join(failures))


for _topic in TOPICS:
    outbox.handler(_topic)(notify_applicant)
