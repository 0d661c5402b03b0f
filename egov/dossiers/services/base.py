"""Shared pieces of the dossier services: codes, locking, history/audit/outbox, workflow
steps, deadlines at reception."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.db import connection
from django.utils import timezone

from egov.catalog import cache as catalog_cache
from egov.catalog.models import ProcedureVersion, WorkflowStep
from egov.catalog.text import normalise
from egov.core import audit, outbox
from egov.core.errors import DomainError, NotPermitted
from egov.core.permissions import Action, require
from egov.directory.models import Agency
from egov.dossiers import files as dossier_files
from egov.dossiers import rules
from egov.dossiers.lifecycle import Transition, check_transition
from egov.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierCounter,
    DossierEvent,
)
from egov.dossiers.queries import workflow_steps
from egov.workdays import engine
from egov.workdays import services as workdays

DESK_ROLE = "desk_officer"


@dataclass
class ComponentInput:
    """One line of the reception checklist: which component, how many copies of each
    kind were handed in, and the scanned file if any."""

    component_id: int | None = None
    name: str = ""
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    file: File | None = None

    @property
    def provided(self) -> bool:
        return bool(self.originals or self.certified_copies or self.photocopies or self.file)


def next_code(agency: Agency, day: datetime.date) -> str:
    """The next dossier code ``<agency identifier>-<YYMMDD>-<NNNN>`` (Circular 01/2018
    art. 19) of ``agency`` on ``day``.

    One upsert in the caller's transaction: the counter row stays locked until commit,
    so concurrent receptions at one agency get unique, gap-free numbers and a
    rolled-back reception gives its number back. Plain SQL (both databases have
    ``ON CONFLICT`` and ``RETURNING``): the ORM has no single-statement upsert that
    returns the new value."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, day],
        )
        (last,) = cursor.fetchone()
    return f"{agency.code}-{day:%y%m%d}-{last:04d}"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _amount_unit(version: ProcedureVersion) -> tuple[Any, str]:
    if version.same_day:
        return 0, engine.Unit.SAME_DAY
    return version.time_amount, version.time_unit


def _lock(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related(
            "procedure_version", "receiving_agency", "processing_agency", "current_step"
        )
        .get(pk=dossier.pk)
    )


def _begin(
    actor: Any,
    dossier: Dossier,
    transition: Transition,
    action: Action,
    expected_version: int | None,
) -> tuple[Dossier, str]:
    dossier = _lock(dossier)
    require(actor, action, dossier)
    rules.check_version(dossier, expected_version)
    return dossier, check_transition(dossier.status, transition)


def _agency_of(actor: Any) -> Agency | None:
    officer = getattr(actor, "officer_or_none", None)
    return officer.agency if officer else None


def _require_agency(actor: Any, agency: Agency) -> None:
    """Workflow actions are for officers of the agency the dossier is at."""
    if getattr(actor, "is_superuser", False):
        return
    mine = _agency_of(actor)
    if mine is None or mine.pk != agency.pk:
        raise NotPermitted(action="agency", details={"agency": agency.code})


def _history(
    dossier: Dossier,
    actor: Any,
    action: str,
    from_status: str,
    now: datetime.datetime,
    note: str,
    data: dict | None,
) -> DossierEvent:
    """The history row of an action (the dossier as it is after it), not saved yet."""
    step = dossier.current_step
    return DossierEvent(
        dossier=dossier,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:200],
        agency=_agency_of(actor),
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        step_name=step.name if step else "",
        step_due_at=dossier.step_due_at,
        note=note,
        data=audit._canonical(data) if data else {},
    )


def add_history(
    dossier: Dossier, *, actor: Any, action: str, now: datetime.datetime, note: str, data: dict
) -> None:
    """A history row for an action of another app that leaves the status as it is
    (a fee recorded at the desk), in the caller's transaction."""
    _history(dossier, actor, action, dossier.status, now, note, data).save(force_insert=True)


def _finish(
    dossier: Dossier,
    *,
    actor: Any,
    transition: Transition,
    from_status: str,
    now: datetime.datetime,
    note: str = "",
    data: dict | None = None,
    fields: list[str] | None = None,
) -> Dossier:
    """Save the changed fields, bump the version, write history, audit and outbox."""
    dossier.version += 1
    dossier.save(update_fields=[*(fields or []), "status", "version", "updated_at"])
    _record(
        dossier,
        actor=actor,
        action=transition.value,
        rows=[_history(dossier, actor, transition.value, from_status, now, note, data)],
        agency_id=dossier.processing_agency_id,
        changes={"status": [from_status, dossier.status], **({"data": data} if data else {})},
    )
    return dossier


def _record(
    dossier: Dossier,
    *,
    actor: Any,
    action: str,
    rows: list,
    agency_id: int | None,
    changes: dict[str, Any],
) -> None:
    """The new ``rows`` of an action (its history row...), its outbox event and its
    audit entry, in the caller's transaction."""
    for row in rows:
        row.save(force_insert=True)
    outbox.emit(
        topic=f"dossier.{action}",
        aggregate=dossier,
        payload={
            "code": dossier.code,
            "status": dossier.status,
            "national_status": dossier.national_status,
            "version": dossier.version,
        },
    )
    audit.record(
        actor=actor,
        action=f"dossier.{action}",
        obj=dossier,
        agency_id=agency_id,
        changes=changes,
    )


def _steps(version: ProcedureVersion, agency: Agency) -> list[WorkflowStep]:
    # The cached copy carries its workflows: no query.
    return workflow_steps(catalog_cache.version(version.pk), agency)


def _is_decision_step(step: WorkflowStep | None, steps: list[WorkflowStep]) -> bool:
    """The step where the result is decided: the final step, or the last step before
    the desk's own closing steps (workflows often end with "return the result" at the
    desk, which comes after the decision)."""
    return rules.is_decision_step(step, steps)


def _enter_step(dossier: Dossier, step: WorkflowStep | None, at: datetime.datetime) -> None:
    dossier.current_step = step
    dossier.step_started_at = at if step else None
    dossier.step_due_at = engine.step_due(workdays.get_calendar(), at, step.hours) if step else None
    dossier.assignee = None


STEP_FIELDS = ["current_step", "step_started_at", "step_due_at", "assignee"]


def _save_components(
    dossier: Dossier,
    items: list[ComponentInput],
    version: ProcedureVersion,
    supplement_round: int = 0,
) -> set[int]:
    provided, rows = _component_rows(dossier, items, version, supplement_round)
    DossierComponent.objects.bulk_create(rows)
    return provided


def _component_rows(
    dossier: Dossier,
    items: list[ComponentInput],
    version: ProcedureVersion,
    supplement_round: int = 0,
) -> tuple[set[int], list[DossierComponent]]:
    """The checklist lines as component rows (not saved yet) and the procedure's
    components among them that were handed in. Files are checked by their content."""
    known = version.items.components
    provided: set[int] = set()
    rows = []
    file_bytes = 0
    for index, item in enumerate(items):
        component = known.get(item.component_id) if item.component_id else None
        if item.component_id and component is None:
            raise DomainError(
                "component_unknown",
                "Thành phần hồ sơ không thuộc thủ tục này.",
                "The component does not belong to this procedure.",
                field=f"components[{index}].component_id",
            )
        content_type, size = "", 0
        if item.file is not None:
            size = item.file.size or 0
            content_type = rules.check_upload(item.file, field=f"components[{index}].file")
            file_bytes += size
        if item.provided and component is not None:
            provided.add(component.pk)
        rows.append(
            DossierComponent(
                dossier=dossier,
                component=component,
                name=(component.name if component else item.name)[:1000],
                originals=item.originals,
                certified_copies=item.certified_copies,
                photocopies=item.photocopies,
                provided=item.provided,
                file=item.file or "",
                original_name=dossier_files.clean_name(item.file.name) if item.file else "",
                content_type=content_type,
                size=size,
                supplement_round=supplement_round,
            )
        )
    if file_bytes:
        rules.check_dossier_files(file_bytes + dossier_files.stored_bytes(dossier))
    return provided, rows


def _missing_rows(
    dossier: Dossier, version: ProcedureVersion, missing: list[int], round_no: int
) -> list[str]:
    names, rows = _missing_component_rows(dossier, version, missing, round_no)
    DossierComponent.objects.bulk_create(rows)
    return names


def _missing_component_rows(
    dossier: Dossier, version: ProcedureVersion, missing: list[int], round_no: int
) -> tuple[list[str], list[DossierComponent]]:
    """The names of the ``missing`` components and their rows (not saved yet)."""
    known = version.items.components
    unknown = [m for m in missing if m not in known]
    if unknown or not missing:
        raise DomainError(
            "supplement_items_invalid",
            "Cần liệt kê đầy đủ (một lần) các thành phần còn thiếu của thủ tục.",
            "List every missing component of the procedure, all at once.",
            field="missing",
            details={"unknown": unknown},
        )
    rows = [
        DossierComponent(
            dossier=dossier,
            component=known[m],
            name=known[m].name,
            provided=False,
            supplement_round=round_no,
        )
        for m in missing
    ]
    return [known[m].name for m in missing], rows


def _applicant_fields(applicant: dict[str, Any]) -> dict[str, Any]:
    rules.check_applicant(applicant)
    return {
        "applicant_type": applicant.get("type", "citizen"),
        "applicant_name": applicant["name"].strip(),
        "applicant_search": normalise(applicant["name"])[:255],
        "applicant_id_number": applicant.get("id_number", ""),
        "applicant_tax_code": applicant.get("tax_code", ""),
        "applicant_birth_date": applicant.get("birth_date"),
        "applicant_address": applicant.get("address", ""),
        "applicant_province": applicant.get("province", ""),
        "applicant_ward": applicant.get("ward", ""),
        "applicant_phone": applicant.get("phone", ""),
        "applicant_email": applicant.get("email", ""),
    }


def _offered_version(procedure_code: str, at: datetime.datetime) -> ProcedureVersion:
    """The version in force (the database decides which; its contents come from the
    catalogue cache)."""
    version = catalog_cache.version_in_force(procedure_code, at)
    rules.check_procedure_offered(version, procedure_code)
    return version


def _set_received(dossier: Dossier, now: datetime.datetime) -> None:
    version = dossier.procedure_version
    amount, unit = _amount_unit(version)
    deadline = workdays.compute_due(
        start=now, amount=amount, unit=unit, cutoff_15h=version.cutoff_15h
    )
    dossier.received_at = now
    dossier.due_at = dossier.original_due_at = deadline.due
    dossier.calendar_revision = deadline.calendar_revision
    steps = _steps(version, dossier.processing_agency)
    _enter_step(dossier, steps[0] if steps and steps[0].role == DESK_ROLE else None, now)


RECEIVED_FIELDS = ["received_at", "due_at", "original_due_at", "calendar_revision", *STEP_FIELDS]


def _created(
    dossier: Dossier,
    *,
    actor: Any,
    now: datetime.datetime,
    action: str,
    components: list[DossierComponent],
    note: str = "",
    data: dict | None = None,
) -> Dossier:
    """Write a new dossier (not saved yet, every rule checked) with its code, its
    component rows, history row, outbox event and audit entry, in the caller's
    transaction. The code is taken last, so that the agency's counter row stays
    locked for as short a time as possible."""
    # A new dossier is created with version 1 (the model default).
    dossier.code = next_code(dossier.receiving_agency, timezone.localtime(now).date())
    dossier.save(force_insert=True)
    DossierComponent.objects.bulk_create(components)
    event = _history(dossier, actor, action, "", now, note, data)
    _record(
        dossier,
        actor=actor,
        action=action,
        rows=[event],
        agency_id=dossier.receiving_agency_id,
        changes={"after": {"status": dossier.status, "code": dossier.code}},
    )
    # What was written, for the answer to the creating request (see
    # ``api.common.created_response``); a new dossier has no inter-agency part,
    # consultation or result file yet.
    dossier.written_rows = {
        "components": components,
        "events": [event],
        "tasks": [],
        "consultations": [],
        "result_files": [],
    }
    return dossier


def _default_processing_agency(version: ProcedureVersion, desk: Agency) -> Agency:
    """The competent agency when the desk did not name one: the desk's own agency if
    it implements the procedure, else the only implementing agency named."""
    named = list(version.items.agencies)
    if desk in named or not named:
        return desk
    return named[0] if len(named) == 1 else desk


def _reception_desk(actor: Any, dossier: Dossier) -> None:
    _require_agency(actor, dossier.receiving_agency)


def supplement_requests(dossier: Dossier) -> int:
    """How many times a supplement was requested for the dossier (at reception, at the
    counter's "incomplete" outcome, or by the processing agency)."""
    return DossierEvent.objects.filter(
        dossier_id=dossier.pk, action__in=rules.SUPPLEMENT_REQUEST_ACTIONS
    ).count()


def _check_supplement_allowed(dossier: Dossier) -> None:
    rules.check_supplement_request_allowed(supplement_requests(dossier))


def _next_round(dossier: Dossier) -> int:
    last = (
        dossier.components.order_by("-supplement_round")
        .values_list("supplement_round", flat=True)
        .first()
    )
    return (last or 0) + 1


def _can_act_for_applicant(actor: Any, dossier: Dossier) -> None:
    """The applicant (owner) or a desk officer of the receiving agency on their behalf."""
    if dossier.applicant_user_id and actor.pk == dossier.applicant_user_id:
        return
    require(actor, Action.RECEIVE, dossier)
    _reception_desk(actor, dossier)


def _require_step_actor(actor: Any, dossier: Dossier) -> None:
    _require_agency(actor, dossier.processing_agency)
    if not getattr(actor, "is_superuser", False):
        rules.check_step_role(dossier.current_step, actor.role_set)


_STEP_ACTION_POLICY = {"forward": Action.PROCESS, "approve": Action.APPROVE, "sign": Action.SIGN}
