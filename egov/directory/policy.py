"""Who may see and administer the directory (see egov.core.permissions)."""

from egov.core.permissions import (
    AADMIN,
    AUDITOR,
    OFFICER_ROLES,
    PADMIN,
    Action,
    Resource,
    Scope,
    register_resource,
)
from egov.directory.models import Agency, ApplicantProfile, Department, Officer

_everyone_in_province = {role: Scope.PROVINCE for role in OFFICER_ROLES}
_admins = {AADMIN: Scope.SUBTREE, PADMIN: Scope.PROVINCE}

register_resource(
    Agency,
    Resource("agency", agency_lookups=("",)),
    {
        Action.VIEW: _everyone_in_province,
        Action.ADMINISTER: _admins,
        Action.CHANGE: _admins,
    },
)
register_resource(
    Department,
    Resource("department", agency_lookups=("agency",)),
    {
        Action.VIEW: _everyone_in_province,
        Action.CHANGE: _admins,
        Action.DELETE: _admins,
    },
)
register_resource(
    Officer,
    Resource("officer", agency_lookups=("agency",)),
    {
        Action.VIEW: {
            **{role: Scope.AGENCY for role in OFFICER_ROLES},
            **_admins,
            AUDITOR: Scope.PROVINCE,
        },
        Action.CHANGE: _admins,
        Action.DELETE: _admins,
    },
)
# Applicants are not tied to an agency. Officers read an applicant's identifying data
# through a dossier in their scope (the dossier's policy); without one, only the desk
# (a counter look-up before reception) and auditors may, stating a reason, and every
# read is audited (services.read_applicant_personal_data). Applicants see their own.
_counter = {"desk_officer": Scope.ALL, AUDITOR: Scope.ALL, "applicant": Scope.OWNER}
register_resource(
    ApplicantProfile,
    Resource("applicant", owner_lookup="user"),
    {
        Action.VIEW: _counter,
        Action.READ_PERSONAL_DATA: _counter,
        Action.CHANGE: {"applicant": Scope.OWNER},
    },
)
