"""Who may read and edit the catalogue (see egov.core.permissions).

Reading: the catalogue is public information (Decree 63/2010 on publishing
procedures), so everyone, logged in or not, may view it; drafts are kept from the
public and from reception by the named queries (``queries.public_versions``,
``queries.version_in_force``), which return published versions only.

Editing: province administrators, with scope ALL rather than PROVINCE. Why: a
deployment serves one province and the catalogue is that province's single list;
most procedures are implemented by a tier ("every commune") rather than named
agencies, so a scope through the implementing agencies would leave tier-wide
procedures editable by no one. Superusers (the platform operator) may do
everything, as everywhere.
"""

from egov.catalog.models import Procedure, ProcedureVersion
from egov.core.permissions import (
    ANONYMOUS,
    APPLICANT,
    OFFICER_ROLES,
    PADMIN,
    Action,
    Resource,
    Scope,
    register_resource,
)

_everyone = {
    ANONYMOUS: Scope.ALL,
    APPLICANT: Scope.ALL,
    **{role: Scope.ALL for role in OFFICER_ROLES},
}
_editors = {PADMIN: Scope.ALL}

register_resource(
    Procedure,
    Resource("procedure", agency_lookups=("versions__agencies",)),
    {Action.VIEW: _everyone, Action.CREATE: _editors, Action.CHANGE: _editors},
)
register_resource(
    ProcedureVersion,
    Resource("procedure_version", agency_lookups=("agencies",)),
    {Action.VIEW: _everyone, Action.CREATE: _editors, Action.CHANGE: _editors},
)
