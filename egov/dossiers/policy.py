"""Who may do what on dossiers (see egov.core.permissions).

A dossier concerns its receiving agency (the desk that took it in and returns the
result), its processing agency, for inter-agency dossiers every participating agency,
and every agency consulted about it (which must read it to answer). Workflow actions
are further limited to the processing agency by the services. The applicant who
submitted it online sees it as its owner.
"""

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
from egov.dossiers.models import Dossier

register_resource(
    Dossier,
    Resource(
        "dossier",
        agency_lookups=(
            "receiving_agency",
            "processing_agency",
            "tasks__agency",
            "consultations__agency",
        ),
        owner_lookup="applicant_user",
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
            "applicant": Scope.OWNER,
        },
        Action.RECEIVE: {DESK: Scope.AGENCY},
        Action.RETURN_RESULT: {DESK: Scope.AGENCY},
        Action.PROCESS: {SPEC: Scope.AGENCY, HEAD: Scope.AGENCY, LEAD: Scope.AGENCY},
        Action.APPROVE: {HEAD: Scope.AGENCY, LEAD: Scope.AGENCY},
        Action.SIGN: {LEAD: Scope.AGENCY},
        Action.CHANGE: {"applicant": Scope.OWNER},
    },
)
