"""Who may read the audit log and operate the outbox (see egov.core.permissions)."""

from egov.core.models import AuditEntry, OutboxEvent
from egov.core.permissions import (
    AADMIN,
    AUDITOR,
    PADMIN,
    Action,
    Resource,
    Scope,
    register_resource,
)

register_resource(
    AuditEntry,
    Resource("audit_entry", agency_lookups=("agency",)),
    {Action.VIEW: {AUDITOR: Scope.PROVINCE, PADMIN: Scope.PROVINCE, AADMIN: Scope.SUBTREE}},
)
register_resource(
    OutboxEvent,
    Resource("outbox_event"),
    {
        Action.VIEW: {AUDITOR: Scope.ALL, PADMIN: Scope.ALL},
        Action.ADMINISTER: {PADMIN: Scope.ALL},
    },
)
