"""Background work of the core: the periodic audit checkpoint (started by
``manage.py serve``, run by the task worker)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def write_audit_checkpoint() -> int:
    """Append a signed checkpoint of the audit log (``egov.core.audit_checkpoint``);
    the task fails, with the problems logged, when the log does not verify."""
    from egov.core.audit_checkpoint import CheckpointRefused, write

    try:
        return write()["n"]
    except CheckpointRefused as refused:
        for problem in refused.problems:
            logger.error("audit checkpoint refused: %s", problem)
        raise
