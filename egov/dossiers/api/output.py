"""The dossier API's answers, built as plain dicts.

``serializers.DossierListItemSerializer`` and ``DossierDetailSerializer`` document the
shapes (OpenAPI) and stay the reference: the tests check that these functions give
exactly what the serializers give, for dossiers in every state. They exist because a
DRF serializer spends about 0.2 ms per dossier walking its fields, which was a third of
a queue page and of an online submission (docs/performance-notes.md)."""

from __future__ import annotations

import functools
from typing import Any

from django.utils import timezone

from egov.dossiers import files as dossier_files
from egov.dossiers.lifecycle import Status, allowed_from
from egov.dossiers.models import Dossier


def _dt(value) -> str | None:
    """As ``serializers.DateTimeField().to_representation`` (ISO 8601 in the current
    time zone, ``Z`` for UTC), without walking the field's settings for every value
    (two per row of a queue page). Nothing activates another time zone than the
    settings' one, so it is looked up once."""
    if value is None:
        return None
    text = value.astimezone(_zone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.cache
def _zone():
    return timezone.get_default_timezone()


_STATUS_LABELS = dict(Status.choices)


def _person(user: Any) -> dict[str, str] | None:
    return {"username": user.username, "full_name": user.full_name} if user else None


def _agency(agency: Any) -> dict[str, str]:
    return {"code": agency.code, "name": agency.name}


# The columns ``list_item`` reads (a queue page reads only these).
LIST_COLUMNS = (
    "code",
    "procedure_version_id",
    "receiving_agency_id",
    "processing_agency_id",
    "applicant_name",
    "status",
    "outcome",
    "received_at",
    "due_at",
    "current_step_id",
    "assignee_id",
    "version",
)


def list_item(d: Dossier) -> dict[str, Any]:
    version = d.procedure_version
    step = d.current_step
    return {
        "code": d.code,
        "procedure": {"code": version.procedure.code, "name": version.name},
        "applicant_name": d.applicant_name,
        "status": d.status,
        "status_label": _STATUS_LABELS.get(d.status, d.status),
        "national_status": d.national_status,
        "received_at": _dt(d.received_at),
        "due_at": _dt(d.due_at),
        "current_step": step.name if step else None,
        "assignee": _person(d.assignee),
        "processing_agency": d.processing_agency.code,
        "version": d.version,
    }


def _component(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "component_id": c.component_id,
        "name": c.name,
        "originals": c.originals,
        "certified_copies": c.certified_copies,
        "photocopies": c.photocopies,
        "provided": c.provided,
        "file": dossier_files.component_url(c),
        "file_name": c.original_name if c.file else None,
        "content_type": c.content_type,
        "size": c.size,
        "supplement_round": c.supplement_round,
    }


def _event(e: Any, show_officers: bool) -> dict[str, Any]:
    return {
        "at": _dt(e.at),
        "action": e.action,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "step_name": e.step_name,
        "step_due_at": _dt(e.step_due_at),
        "agency": e.agency.code if e.agency_id else None,
        "actor_name": e.actor_name if show_officers else "",
        "note": e.note if show_officers else "",
        "data": e.data,
    }


def _task(t: Any) -> dict[str, Any]:
    return {
        "id": t.id,
        "agency": _agency(t.agency),
        "is_lead": t.is_lead,
        "task": t.task,
        "started_at": _dt(t.started_at),
        "due_at": _dt(t.due_at),
        "state": t.state,
        "done_at": _dt(t.done_at),
        "result_note": t.result_note,
    }


def _consultation(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "agency": _agency(c.agency),
        "question": c.question,
        "asked_at": _dt(c.asked_at),
        "due_at": _dt(c.due_at),
        "answer": c.answer,
        "answered_at": _dt(c.answered_at),
        "overdue": c.overdue,
    }


def _result_file(f: Any) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "file": dossier_files.result_url(f),
        "file_name": f.original_name,
        "content_type": f.content_type,
        "size": f.size,
        "uploaded_at": _dt(f.uploaded_at),
    }


_ROWS = ("components", "events", "consultations", "result_files")


def detail(
    d: Dossier, *, tasks: list, show_officers: bool, rows: dict[str, list] | None = None
) -> dict[str, Any]:
    """The dossier page (``DossierDetailSerializer``): ``tasks`` are the inter-agency
    parts the caller may see; applicants do not see officers' names in the history.
    ``rows``: its components, events, consultations and result files, when the caller
    has them (a creation: the rows it wrote); else read from ``d``'s prefetched rows."""
    if rows is None:
        rows = {name: getattr(d, name).all() for name in _ROWS}
    birth = d.applicant_birth_date
    return {
        **list_item(d),
        "channel": d.channel,
        "outcome": d.outcome,
        "receiving_agency": _agency(d.receiving_agency),
        "processing_agency_name": d.processing_agency.name,
        "applicant": {
            "type": d.applicant_type,
            "name": d.applicant_name,
            "id_number": d.applicant_id_number,
            "tax_code": d.applicant_tax_code,
            "birth_date": birth.isoformat() if birth else None,
            "address": d.applicant_address,
            "province": d.applicant_province,
            "ward": d.applicant_ward,
            "phone": d.applicant_phone,
            "email": d.applicant_email,
        },
        "summary": d.summary,
        "form_data": d.form_data,
        "sets": d.sets,
        "fee_due": d.fee_due,
        "fee_paid": d.fee_paid,
        "fee_exempted": d.fee_exempted,
        "fee_outstanding": d.fee_outstanding,
        "submitted_at": _dt(d.submitted_at),
        "processing_received_at": _dt(d.processing_received_at),
        "original_due_at": _dt(d.original_due_at),
        "extended": d.extended,
        "paused_at": _dt(d.paused_at),
        "finished_at": _dt(d.finished_at),
        "returned_at": _dt(d.returned_at),
        "return_channel": d.return_channel,
        "step_due_at": _dt(d.step_due_at),
        "components": [_component(c) for c in rows["components"]],
        "events": [_event(e, show_officers) for e in rows["events"]],
        "tasks": [_task(t) for t in tasks],
        "consultations": [_consultation(c) for c in rows["consultations"]],
        "result_files": [_result_file(f) for f in rows["result_files"]],
        "allowed_actions": allowed_from(d.status),
    }
