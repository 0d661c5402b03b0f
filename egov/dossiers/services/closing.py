"""Closing: stop, withdrawal, refusal, late notice (form 04), result, return; and the
audited opening of a dossier (Decree 61/2018 arts. 19-20)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import File
from django.db import transaction

from egov.core import outbox
from egov.core.errors import DomainError
from egov.core.permissions import Action
from egov.dossiers import files as dossier_files
from egov.dossiers import rules
from egov.dossiers.lifecycle import Transition, check_transition
from egov.dossiers.models import (
    Channel,
    Dossier,
    DossierTask,
    Outcome,
    ResultFile,
)
from egov.dossiers.services.base import (
    STEP_FIELDS,
    _begin,
    _can_act_for_applicant,
    _enter_step,
    _finish,
    _is_decision_step,
    _lock,
    _now,
    _reception_desk,
    _require_agency,
    _require_step_actor,
    _steps,
)
from egov.dossiers.services.reads import record_dossier_read
from egov.workdays import engine
from egov.workdays import services as workdays


@transaction.atomic
def stop(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Stop processing (e.g. the applicant did not supplement in time)."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(actor, dossier, Transition.STOP, Action.APPROVE, expected_version)
    _require_agency(actor, dossier.processing_agency)
    from_status, dossier.status, dossier.finished_at = dossier.status, target, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.STOP,
        from_status=from_status,
        now=now,
        note=reason,
        fields=["finished_at"],
    )


@transaction.atomic
def withdraw(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (themselves online, or at the desk)."""
    now = _now(now)
    dossier = _lock(dossier)
    _can_act_for_applicant(actor, dossier)
    rules.check_version(dossier, expected_version)
    target = check_transition(dossier.status, Transition.WITHDRAW)
    from_status, dossier.status, dossier.finished_at = dossier.status, target, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.WITHDRAW,
        from_status=from_status,
        now=now,
        note=reason,
        fields=["finished_at"],
    )


@transaction.atomic
def refuse(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Refusal after appraisal (form 03), within the deadline."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(actor, dossier, Transition.REFUSE, Action.APPROVE, expected_version)
    _require_agency(actor, dossier.processing_agency)
    from_status, dossier.status = dossier.status, target
    dossier.outcome, dossier.finished_at = Outcome.REFUSED, now
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REFUSE,
        from_status=from_status,
        now=now,
        note=reason,
        data={"timeliness": engine.classify(now, dossier.due_at).value},
        fields=["outcome", "finished_at"],
    )


@transaction.atomic
def apologise_late(
    *,
    actor: Any,
    dossier: Dossier,
    new_due: datetime.datetime | datetime.date,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Form 04: apology and a single new appointment date, sent at least one working
    day before the due date (Decree 61/2018 art. 19)."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, _ = _begin(actor, dossier, Transition.APOLOGISE_LATE, Action.PROCESS, expected_version)
    _require_agency(actor, dossier.processing_agency)
    new = engine.extend(
        workdays.get_calendar(), dossier.due_at, new_due, now, already_extended=dossier.extended
    )
    old, dossier.due_at, dossier.extended = dossier.due_at, new, True
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.APOLOGISE_LATE,
        from_status=dossier.status,
        now=now,
        note=reason,
        data={"old_due_at": old, "new_due_at": new},
        fields=["due_at", "extended"],
    )


@transaction.atomic
def record_result(
    *,
    actor: Any,
    dossier: Dossier,
    files: list[tuple[str, File]] | None = None,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The competent leader approves at the final step: the result is recorded with its
    files, the dossier is finished and classified early / on time / late."""
    now = _now(now)
    dossier, target = _begin(
        actor, dossier, Transition.RECORD_RESULT, Action.APPROVE, expected_version
    )
    _require_step_actor(actor, dossier)
    steps = _steps(dossier.procedure_version, dossier.processing_agency)
    if not _is_decision_step(dossier.current_step, steps):
        rules.check_final(dossier.current_step)
    rules.check_tasks_done(
        list(
            dossier.tasks.filter(state=DossierTask.State.OPEN, is_lead=False).select_related(
                "agency"
            )
        )
    )
    checked = [
        (name, file, rules.check_upload(file, field=f"files[{index}]"))
        for index, (name, file) in enumerate(files or [])
    ]
    if checked:
        added = sum(file.size or 0 for _, file, _ in checked)
        rules.check_dossier_files(added + dossier_files.stored_bytes(dossier), field="files")
    for name, file, content_type in checked:
        original = dossier_files.clean_name(file.name or "")
        ResultFile.objects.create(
            dossier=dossier,
            name=name or original,
            file=file,
            original_name=original,
            content_type=content_type,
            size=file.size or 0,
            uploaded_at=now,
        )
    from_status, dossier.status = dossier.status, target
    dossier.outcome, dossier.finished_at = Outcome.APPROVED, now
    DossierTask.objects.filter(dossier=dossier, is_lead=True).update(
        state=DossierTask.State.DONE, done_at=now
    )
    decided_at = dossier.current_step
    closing = [s for s in steps if decided_at and s.order > decided_at.order]
    _enter_step(dossier, closing[0] if closing else None, now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.RECORD_RESULT,
        from_status=from_status,
        now=now,
        note=note,
        data={"timeliness": engine.classify(now, dossier.due_at).value},
        fields=["outcome", "finished_at", *STEP_FIELDS],
    )


@transaction.atomic
def return_result(
    *,
    actor: Any,
    dossier: Dossier,
    channel: str = Channel.COUNTER,
    note: str = "",
    fee_method: str = "cash",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The receiving desk returns the result (at the counter, by post or online). An
    early return notifies the applicant in advance (outbox event).

    Not while fees are due (Decree 61/2018/NĐ-CP art. 20; ``payments.rules
    .check_fees_settled``), except the fees the procedure collects on return: those
    are recorded now, paid by ``fee_method`` (cash or transfer), with their receipt."""
    from egov.payments import rules as fee_rules
    from egov.payments import services as fees

    now = _now(now)
    if channel not in Channel.values:
        raise DomainError(
            "channel_invalid",
            "Kênh trả kết quả không hợp lệ.",
            "Invalid return channel.",
            field="channel",
        )
    dossier, target = _begin(
        actor, dossier, Transition.RETURN_RESULT, Action.RETURN_RESULT, expected_version
    )
    _reception_desk(actor, dossier)
    fee_rules.check_fees_settled(fees.due_before_return(dossier))
    receipt = fees.collect_on_return(actor=actor, dossier=dossier, method=fee_method, now=now)
    early = engine.classify(now, dossier.due_at) == engine.Timeliness.EARLY
    if early:
        outbox.emit(
            topic="dossier.early_return_notice",
            aggregate=dossier,
            payload={"code": dossier.code, "returned_at": now},
        )
    from_status, dossier.status = dossier.status, target
    dossier.returned_at, dossier.return_channel = now, channel
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.RETURN_RESULT,
        from_status=from_status,
        now=now,
        note=note,
        data={
            "channel": channel,
            "early": early,
            **({"receipt_number": receipt.receipt_number} if receipt else {}),
        },
        fields=["returned_at", "return_channel"],
    )


def open_dossier(*, actor: Any, code: str) -> Dossier | None:
    """The dossier page for ``actor`` (None outside their scope). Showing it reveals
    the applicant's ID number, so every opening is written to the audit log."""
    from egov.dossiers.queries import dossier_detail

    dossier = dossier_detail(actor, code)
    if dossier is not None:
        record_dossier_read(actor=actor, dossier=dossier)
    return dossier
