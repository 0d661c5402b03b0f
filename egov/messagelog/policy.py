"""Who may read the message log (see egov.core.permissions): the province
administrator and the auditor, every record (the log concerns no one agency).
Nobody changes it: the admin is read-only and the rows are written by ``log.append``."""

from egov.core.permissions import AUDITOR, PADMIN, Action, Resource, Scope, register_resource
from egov.messagelog.models import MessageArchive, MessageRecord, MessageSeal

for _model, _name in (
    (MessageRecord, "messagelog_record"),
    (MessageSeal, "messagelog_seal"),
    (MessageArchive, "messagelog_archive"),
):
    register_resource(
        _model,
        Resource(_name),
        {Action.VIEW: {PADMIN: Scope.ALL, AUDITOR: Scope.ALL}},
    )
