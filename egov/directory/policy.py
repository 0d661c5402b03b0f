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
# Applicants are not tied to an agency: front-line officers may look them up
# (every read of an ID number is audited); applicants see their own profile.
_front_line = ("desk_officer", "specialist", "department_head", "agency_leader")
register_resource(
    ApplicantProfile,
    Resource("applicant", owner_lookup="user"),
    {
        Action.VIEW: {
            **{role: Scope.ALL for role in _front_line},
            AUDITOR: Scope.ALL,
            "applicant": Scope.OWNER,
        },
        Action.READ_PERSONAL_DATA: {
            **{role: Scope.ALL for role in _front_line},
            AUDITOR: Scope.ALL,
            "applicant": Scope.OWNER,
        },
        Action.CHANGE: {"applicant": Scope.OWNER},
    },
)
