"""Who may read the national sync state of a dossier (see egov.core.permissions): the
administrators and auditors of the agencies that received or process it. Nobody edits
it; re-driving is the outbox's ``ADMINISTER`` right (``outbox.redrive_event``)."""

from egov.core.permissions import (
    AADMIN,
    AUDITOR,
    PADMIN,
    Action,
    Resource,
    Scope,
    register_resource,
)
from egov.national.models import SyncState

register_resource(
    SyncState,
    Resource(
        "national_sync",
        agency_lookups=("dossier__receiving_agency", "dossier__processing_agency"),
    ),
    {
        Action.VIEW: {
            AADMIN: Scope.SUBTREE,
            PADMIN: Scope.PROVINCE,
            AUDITOR: Scope.PROVINCE,
        },
    },
)
