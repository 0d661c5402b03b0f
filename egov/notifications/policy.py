"""Who may read the notifications sent about a dossier (see egov.core.permissions): the
officers who may read the dossier, through its receiving and processing agencies. The
applicant reads their own dossier's page instead; nobody changes a notification."""

from egov.core.permissions import (
    AADMIN,
    AUDITOR,
    CLERK,
    DESK,
    HEAD,
    LEAD,
    PADMIN,
    SPEC,
    Action,
    Resource,
    Scope,
    register_resource,
)
from egov.notifications.models import Notification

register_resource(
    Notification,
    Resource(
        "notification",
        agency_lookups=("dossier__receiving_agency", "dossier__processing_agency"),
    ),
    {
        Action.VIEW: {
            DESK: Scope.AGENCY,
            SPEC: Scope.AGENCY,
            HEAD: Scope.AGENCY,
            LEAD: Scope.AGENCY,
            CLERK: Scope.AGENCY,
            AADMIN: Scope.SUBTREE,
            PADMIN: Scope.PROVINCE,
            AUDITOR: Scope.PROVINCE,
        },
    },
)
