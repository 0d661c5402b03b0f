"""The outbox handler that syncs dossiers to the national portal: every ``dossier.*``
event (``egov.dossiers.services.base._record``, ``dossier.fee_recorded`` of the
payments) becomes, in this order:

1. ``TraCuuHoSo``, while the portal has not yet accepted the dossier, to learn whether
   it already knows it (``isUpdating``);
2. ``DongBoHoSoMC`` with the dossier's record and the status the event reports, message
   id ``<sender>-<event id>``;
3. ``CapNhatTienDoHoSoMC`` with the event's progress item, message id
   ``<sender>-<event id>-p``, only once the portal accepted the dossier.

The message ids are the same at every attempt of an event, so that the portal drops
what it already processed (a relay that died after a call but before recording it
sends it again). The outbox delivers the events of one dossier in order, one at a
time, and retries failures with backoff (``portal.PortalUnavailable``); a refusal
(``portal.PortalRefused``) makes the event dead at once, for an administrator.

Registered only when the sync is on (``EGOV_NATIONAL_PROVIDER=dvcqg``, apps.ready)."""

from __future__ import annotations

import time

from django.utils import timezone

from egov.core import outbox
from egov.core.models import OutboxEvent
from egov.national import conf, mapping, portal, queries, services

NAME = queries.HANDLER


def message_id(event: OutboxEvent) -> str:
    return f"{conf.sender()}-{event.pk}"


def sync_dossier(event: OutboxEvent) -> None:
    if conf.provider() == "none" or event.aggregate_type != "dossiers.dossier":
        return
    deadline = None
    if event.lease_until is not None:
        # A delivery must end before the lease does, or another relay could take the
        # event and send it at the same time: every call is bounded by what is left of
        # the lease (less a second to record the outcome), and none starts without a
        # full timeout left.
        left = (event.lease_until - timezone.now()).total_seconds() - 1
        if left < conf.timeout():
            raise portal.PortalUnavailable(f"lease nearly over ({left:.0f} s left): later")
        deadline = time.monotonic() + left
    client = portal.provider(deadline=deadline)
    if client is None:
        return
    dossier, state = queries.dossier_for_sync(event.aggregate_id)
    if dossier is None:
        return  # deleted since: nothing to tell
    status = event.payload.get("national_status")
    if status is None:  # an event that does not change the status (a fee recorded)
        status = state.last_status_sent if state and state.last_status_sent else None
        status = status or dossier.national_status
    sent = message_id(event)
    accepted = state.accepted if state else False
    try:
        updating = accepted or client.known(dossier.code)
        _sync(client, sent, mapping.record(dossier, status), updating)
        accepted = True
        row = queries.history_row(event, dossier)
        item = mapping.progress_item(
            dossier, row, status, at=event.created_at, what=event.topic.removeprefix("dossier.")
        )
        try:
            client.progress(message_id=f"{sent}-p", items=[item])
        except portal.PortalRefused as refused:
            if refused.error_code != portal.NOT_FOUND:
                raise
            # The portal lost the dossier it had accepted: sync it again next time.
            accepted = False
            raise portal.PortalUnavailable("CapNhatTienDoHoSoMC: dossier unknown") from refused
    except Exception as error:
        services.record_delivery(
            state,
            dossier_id=dossier.pk,
            event_id=event.pk,
            message_id=sent,
            accepted=accepted,
            error=f"{error.__class__.__name__}: {error}",
        )
        raise
    services.record_delivery(
        state,
        dossier_id=dossier.pk,
        event_id=event.pk,
        message_id=sent,
        status=status,
        accepted=True,
    )


def _sync(client: portal.NationalPortal, sent: str, record: dict, updating: bool) -> None:
    """DongBoHoSoMC; when the portal's view differs from ours (it has the dossier
    already, or has lost it), once more with ``isUpdating`` as the portal sees it."""
    try:
        client.sync(message_id=sent, record=record, updating=updating)
    except portal.PortalRefused as refused:
        if refused.error_code not in (portal.NOT_FOUND, portal.ALREADY_KNOWN):
            raise
        client.sync(
            message_id=sent, record=record, updating=refused.error_code == portal.ALREADY_KNOWN
        )


def enable() -> None:
    outbox.register("dossier.*", sync_dossier, name=NAME)


def disable() -> None:
    outbox.unregister("dossier.*", sync_dossier)
