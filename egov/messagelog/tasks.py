"""Background work of the message log: the periodic sealing (enqueued by
``manage.py serve`` every EGOV_MESSAGELOG_SEAL_SECONDS, run by the task worker)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def seal_message_log() -> dict[str, int | str]:
    """Seal the waiting records (``seal.seal_pending``); a TSA failure is kept on the
    chain head and the records wait for the next round."""
    from egov.messagelog.seal import seal_pending

    result = seal_pending()
    return {"seals": result.seals, "records": result.records, "error": result.error}


def enqueue_seal(stderr) -> None:
    """For ``manage.py serve``: enqueue the sealing, never stop serving over it."""
    from django.db import connection

    try:
        seal_message_log.enqueue()
    except Exception as error:  # keep serving; the next round tries again
        stderr.write(f"message log sealing not enqueued: {error}")
    finally:
        connection.close()
