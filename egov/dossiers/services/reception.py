"""Reception: online submission, counter/post reception (forms 01/02/03), the desk's
checks of online dossiers (Decree 61/2018/NĐ-CP arts. 16-17)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from egov.core.errors import DomainError, NotPermitted
from egov.core.permissions import Action
from egov.directory.models import Agency
from egov.dossiers import files as dossier_files
from egov.dossiers import rules
from egov.dossiers.lifecycle import OPEN_STATES, Status, Transition, check_transition
from egov.dossiers.models import (
    Channel,
    Dossier,
)
from egov.dossiers.services.base import (
    DESK_ROLE,
    RECEIVED_FIELDS,
    ComponentInput,
    _agency_of,
    _applicant_fields,
    _begin,
    _can_act_for_applicant,
    _check_supplement_allowed,
    _component_rows,
    _created,
    _default_processing_agency,
    _finish,
    _lock,
    _missing_component_rows,
    _missing_rows,
    _next_round,
    _now,
    _offered_version,
    _reception_desk,
    _save_components,
    _set_received,
)


@transaction.atomic
def submit_online(
    *,
    actor: Any,
    procedure_code: str,
    receiving_agency: Agency,
    applicant: dict[str, Any],
    components: list[ComponentInput],
    processing_agency: Agency | None = None,
    summary: str = "",
    now: datetime.datetime | None = None,
    representative: bool = False,
    form_data: dict[str, Any] | None = None,
) -> Dossier:
    """An applicant submits a dossier online: national status 1, waiting for the desk.
    The applicant is the account holder, its business, or (``representative``) someone
    the account holder files for with an authorisation among the ``components``.
    ``form_data``: the procedure's own fields (``catalog.eform``), checked here."""
    now = _now(now)
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_officer", False):
        raise NotPermitted(action="submit_online")
    rules.check_online_submitter(actor, applicant, components, representative=representative)
    version = _offered_version(procedure_code, now)
    rules.check_channel(version, Channel.ONLINE)
    rules.check_online_files(components)
    fields = rules.checked_form_data(version, form_data or {})
    processing_agency = processing_agency or receiving_agency
    rules.check_competent(version, processing_agency)
    dossier = Dossier(
        receiving_agency=receiving_agency,
        procedure_version=version,
        processing_agency=processing_agency,
        channel=Channel.ONLINE,
        status=Status.SUBMITTED,
        applicant_user=actor,
        summary=summary or version.name[:1000],
        form_data=fields,
        submitted_at=now,
        fee_due=version.items.fee_total,
        **_applicant_fields(applicant),
    )
    _provided, rows = _component_rows(dossier, components, version)
    return _created(dossier, actor=actor, now=now, action="submit_online", components=rows)


@transaction.atomic
def receive(
    *,
    actor: Any,
    procedure_code: str,
    channel: str,
    applicant: dict[str, Any],
    components: list[ComponentInput],
    outcome: str = "complete",
    processing_agency: Agency | None = None,
    missing: list[int] | None = None,
    reason: str = "",
    summary: str = "",
    sets: int = 1,
    now: datetime.datetime | None = None,
) -> Dossier:
    """A desk officer receives a paper dossier (at the counter or by post).

    ``outcome``: ``complete`` -> received, form 01 with the appointment date;
    ``incomplete`` -> form 02 listing every ``missing`` component at once;
    ``refused`` -> form 03 with the ``reason``. Every outcome gets a dossier code."""
    now = _now(now)
    desk = _agency_of(actor)
    if desk is None or DESK_ROLE not in actor.role_set:
        raise NotPermitted(action="receive")
    if channel not in (Channel.COUNTER, Channel.POST):
        raise DomainError(
            "channel_invalid",
            "Kênh nhận hồ sơ giấy: trực tiếp hoặc bưu chính.",
            "Paper dossiers come at the counter or by post.",
            field="channel",
        )
    version = _offered_version(procedure_code, now)
    rules.check_channel(version, channel)
    processing_agency = processing_agency or _default_processing_agency(version, desk)
    rules.check_competent(version, processing_agency)
    fields = _applicant_fields(applicant)
    status = {
        "complete": Status.RECEIVED,
        "incomplete": Status.RECEPTION_SUPPLEMENT,
        "refused": Status.NOT_RECEIVED,
    }.get(outcome)
    if status is None:
        raise DomainError(
            "outcome_invalid",
            "Kết quả tiếp nhận không hợp lệ.",
            "Reception outcome must be complete, incomplete or refused.",
            field="outcome",
        )
    if outcome == "refused":
        rules.check_reason(reason)
    dossier = Dossier(
        receiving_agency=desk,
        procedure_version=version,
        processing_agency=processing_agency,
        channel=channel,
        status=status,
        summary=summary or version.name[:1000],
        sets=sets,
        submitted_at=now,
        fee_due=version.items.fee_total,
        **fields,
    )
    provided, rows = _component_rows(dossier, components, version)
    data: dict[str, Any] = {}
    if outcome == "complete":
        rules.check_mandatory_components(version, provided)
        _set_received(dossier, now)
    elif outcome == "incomplete":
        data["missing"], missing_rows = _missing_component_rows(
            dossier, version, missing or [], round_no=1
        )
        rows += missing_rows
    return _created(
        dossier,
        actor=actor,
        now=now,
        action=f"receive_{outcome}",
        components=rows,
        note=reason,
        data=data,
    )


@transaction.atomic
def accept(
    *,
    actor: Any,
    dossier: Dossier,
    components: list[ComponentInput] | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The desk finds an online dossier complete: received, form 01 (appointment)."""
    now = _now(now)
    dossier, target = _begin(actor, dossier, Transition.ACCEPT, Action.RECEIVE, expected_version)
    _reception_desk(actor, dossier)
    version = dossier.procedure_version
    if components:
        _save_components(dossier, components, version)
    provided = set(
        dossier.components.filter(provided=True, component__isnull=False).values_list(
            "component_id", flat=True
        )
    )
    rules.check_mandatory_components(version, provided)
    from_status, dossier.status = dossier.status, target
    _set_received(dossier, now)
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.ACCEPT,
        from_status=from_status,
        now=now,
        fields=RECEIVED_FIELDS,
    )


@transaction.atomic
def request_reception_supplement(
    *,
    actor: Any,
    dossier: Dossier,
    missing: list[int],
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Form 02 for an online dossier: every missing item listed at once."""
    now = _now(now)
    dossier, target = _begin(
        actor, dossier, Transition.REQUEST_RECEPTION_SUPPLEMENT, Action.RECEIVE, expected_version
    )
    _reception_desk(actor, dossier)
    _check_supplement_allowed(dossier)
    round_no = _next_round(dossier)
    names = _missing_rows(dossier, dossier.procedure_version, missing, round_no)
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REQUEST_RECEPTION_SUPPLEMENT,
        from_status=from_status,
        now=now,
        note=note,
        data={"missing": names, "round": round_no},
    )


@transaction.atomic
def supply_at_reception(
    *,
    actor: Any,
    dossier: Dossier,
    components: list[ComponentInput],
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant hands in what form 02 asked for; the desk checks it again."""
    now = _now(now)
    dossier = _lock(dossier)
    _can_act_for_applicant(actor, dossier)
    rules.check_version(dossier, expected_version)
    target = check_transition(dossier.status, Transition.SUPPLY_AT_RECEPTION)
    _save_components(
        dossier, components, dossier.procedure_version, supplement_round=_next_round(dossier) - 1
    )
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.SUPPLY_AT_RECEPTION,
        from_status=from_status,
        now=now,
    )


@transaction.atomic
def refuse_at_reception(
    *,
    actor: Any,
    dossier: Dossier,
    reason: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Form 03: the dossier is not received, with the reason."""
    now = _now(now)
    rules.check_reason(reason)
    dossier, target = _begin(
        actor, dossier, Transition.REFUSE_AT_RECEPTION, Action.RECEIVE, expected_version
    )
    _reception_desk(actor, dossier)
    from_status, dossier.status = dossier.status, target
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.REFUSE_AT_RECEPTION,
        from_status=from_status,
        now=now,
        note=reason,
    )


_APPLICANT_HANDS_IN = frozenset(
    {Status.SUBMITTED, Status.RECEPTION_SUPPLEMENT, Status.SUPPLEMENT_REQUESTED}
)


@transaction.atomic
def attach_file(
    *,
    actor: Any,
    dossier: Dossier,
    component_id: int,
    file: Any,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The scan of one line of the dossier's checklist, while the dossier is open: the
    desk scans a paper component handed in at the counter, or the applicant uploads it
    to an online dossier. The file is checked by its content (PDF, PNG, JPEG; size);
    the line then counts as handed in. A file already there is replaced, and the
    history keeps the name of the one it replaced."""
    now = _now(now)
    dossier = _lock(dossier)
    _can_act_for_applicant(actor, dossier)
    rules.check_version(dossier, expected_version)
    check_transition(dossier.status, Transition.ATTACH_FILE)
    if actor.pk == dossier.applicant_user_id and dossier.status not in _APPLICANT_HANDS_IN:
        # The applicant hands in files while the desk or the agency waits for them.
        raise NotPermitted(action="attach_file", details={"status": dossier.status})
    line = dossier.components.filter(pk=component_id).first() if component_id else None
    if line is None:
        raise DomainError(
            "component_unknown",
            "Không có thành phần này trong hồ sơ.",
            "The dossier has no such component line.",
            field="component",
        )
    if file is None:
        raise DomainError(
            "file_required",
            "Cần chọn tệp quét (PDF, PNG hoặc JPEG).",
            "A scanned file (PDF, PNG or JPEG) is required.",
            field="file",
        )
    line.content_type = rules.check_upload(file, field="file")
    size = file.size or 0
    rules.check_dossier_files(size + dossier_files.stored_bytes(dossier, except_line=line.pk))
    replaced = line.file.name or ""
    line.file, line.size, line.provided = file, size, True
    line.original_name = dossier_files.clean_name(file.name or "")
    line.save(update_fields=["file", "original_name", "content_type", "size", "provided"])
    return _finish(
        dossier,
        actor=actor,
        transition=Transition.ATTACH_FILE,
        from_status=dossier.status,
        now=now,
        data={
            "component": line.name,
            "file": line.file.name,
            "file_name": line.original_name,
            "replaced": replaced,
        },
    )


def reception_warnings(*, actor: Any, procedure_code: str, applicant: dict[str, Any]) -> list[dict]:
    """What the desk must confirm before receiving (``rules.identity_warnings``): read
    from the dossiers with the same ID number (an indexed column), at most a few, and
    only those the officer may see: a warning never shows another agency's applicant
    data or dossier codes."""
    from egov.dossiers.queries import visible

    id_number = (applicant.get("id_number") or "").strip()
    if applicant.get("type", "citizen") != "citizen" or not id_number:
        return []
    same = visible(actor).filter(applicant_id_number=id_number)
    earlier = list(
        same.values_list("applicant_name", "applicant_birth_date").distinct().order_by()[:20]
    )
    open_codes = list(
        same.filter(procedure_version__procedure__code=procedure_code, status__in=list(OPEN_STATES))
        .order_by("-submitted_at")
        .values_list("code", flat=True)[:5]
    )
    return rules.identity_warnings(applicant, earlier, open_codes)
