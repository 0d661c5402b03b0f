"""Writes to dossiers: reception, the legal lifecycle and the internal workflow
(Decree 61/2018/NĐ-CP arts. 16-21; Circular 01/2018/TT-VPCP).

Every function takes ``actor=``, locks the dossier row, checks the access policy,
the lifecycle table (``lifecycle.check_transition``) and the rules, writes in one
transaction, appends a history event, an audit entry and an outbox event
``dossier.<action>``. Deadlines come from the working-day engine only.
``now=`` exists so that tests and imports can state when something happened.

The functions live in ``reception``, ``processing`` and ``closing``; shared pieces in
``base``. Import them from here: ``from egov.dossiers import services``.
"""

from egov.dossiers.services import staging
from egov.dossiers.services.base import ComponentInput, next_code
from egov.dossiers.services.closing import (
    apologise_late,
    open_dossier,
    record_result,
    refuse,
    return_result,
    stop,
    withdraw,
)
from egov.dossiers.services.processing import (
    advance,
    answer_consultation,
    assign,
    complete_task,
    consult,
    forward,
    fulfil_financial_obligation,
    request_financial_obligation,
    request_supplement,
    send_back,
    supply,
    transfer,
)
from egov.dossiers.services.reads import record_dossier_read, record_search_read
from egov.dossiers.services.reception import (
    accept,
    attach_file,
    receive,
    reception_warnings,
    refuse_at_reception,
    request_reception_supplement,
    submit_online,
    supply_at_reception,
)

__all__ = [
    "ComponentInput",
    "accept",
    "advance",
    "answer_consultation",
    "attach_file",
    "apologise_late",
    "assign",
    "complete_task",
    "consult",
    "forward",
    "fulfil_financial_obligation",
    "next_code",
    "open_dossier",
    "receive",
    "reception_warnings",
    "record_dossier_read",
    "record_search_read",
    "record_result",
    "refuse",
    "refuse_at_reception",
    "request_financial_obligation",
    "request_reception_supplement",
    "request_supplement",
    "return_result",
    "send_back",
    "staging",
    "stop",
    "submit_online",
    "supply",
    "supply_at_reception",
    "transfer",
    "withdraw",
]
