"""What each form shows, gathered from a dossier and its history.

The history rows (``DossierEvent``) carry the officer, unit, note and step deadline
of every action; the forms read the latest event of the action that produced them
(the reception for form 01, the supplement request for form 02, ...). Action names
are those of ``egov.dossiers.lifecycle.Transition`` plus the reception outcomes the
desk records (``receive_complete``, ``receive_incomplete``, ``receive_refused``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from egov.core.errors import Conflict
from egov.directory.models import Agency
from egov.dossiers.forms import formatting as fmt
from egov.dossiers.forms import sets
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier, DossierEvent
from egov.workdays.engine import Timeliness, classify

# Every form number of either set (the set of a dossier decides what each one is).
FORMS = ("01", "02", "03", "04", "05", "06", "07")

# Kinds of forms that print the applicant's ID number or tax code (the applicant block,
# ``_applicant.html``): showing one is audited (``services.record_dossier_read``).
SHOWS_ID_NUMBER = frozenset({sets.RECEIPT, sets.SUPPLEMENT, sets.REFUSAL, sets.STOP_NOTICE})

RECEPTION_ACTIONS = ("receive", "accept", "receive_complete")
SUPPLEMENT_ACTIONS = ("request_reception_supplement", "request_supplement", "receive_incomplete")
REFUSAL_ACTIONS = ("refuse_at_reception", "refuse", "receive_refused")
APOLOGY_ACTIONS = ("apologise_late",)
FORWARD_ACTIONS = ("forward",)
STOP_ACTIONS = ("stop",)

ACTION_NAMES = {
    "submit_online": "Nộp hồ sơ trực tuyến",
    "receive": "Tiếp nhận hồ sơ",
    "receive_complete": "Tiếp nhận hồ sơ",
    "receive_incomplete": "Yêu cầu bổ sung khi tiếp nhận",
    "receive_refused": "Từ chối tiếp nhận",
    "accept": "Tiếp nhận hồ sơ",
    "request_reception_supplement": "Yêu cầu bổ sung khi tiếp nhận",
    "supply_at_reception": "Bổ sung hồ sơ khi tiếp nhận",
    "refuse_at_reception": "Từ chối tiếp nhận",
    "forward": "Chuyển hồ sơ đến cơ quan giải quyết",
    "assign": "Phân công xử lý",
    "advance": "Chuyển bước xử lý",
    "send_back": "Trả lại bước trước",
    "consult": "Xin ý kiến cơ quan khác",
    "answer_consultation": "Trả lời xin ý kiến",
    "request_supplement": "Yêu cầu bổ sung hồ sơ",
    "supply": "Bổ sung hồ sơ",
    "request_financial_obligation": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "fulfil_financial_obligation": "Hoàn thành nghĩa vụ tài chính",
    "stop": "Dừng xử lý",
    "withdraw": "Rút hồ sơ",
    "refuse": "Từ chối giải quyết",
    "apologise_late": "Xin lỗi, hẹn lại ngày trả kết quả",
    "transfer": "Chuyển cơ quan cấp trên",
    "complete_task": "Hoàn thành phần việc liên thông",
    "record_result": "Có kết quả giải quyết",
    "return_result": "Trả kết quả",
}

TIMELINESS_NAMES = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}


def form_number(form_no: Any) -> str:
    """``1``, ``"1"``, ``"01"`` -> ``"01"``; 404-worthy ValueError for anything else."""
    try:
        number = f"{int(str(form_no)):02d}"
    except ValueError:
        raise ValueError(f"unknown form {form_no!r}") from None
    if number not in FORMS:
        raise ValueError(f"unknown form {form_no!r}")
    return number


def not_applicable(form_no: str, why: str, why_en: str) -> Conflict:
    return Conflict(
        "form_not_applicable",
        f"Không lập được mẫu {form_no} cho hồ sơ này: {why}.",
        f"Form {form_no} does not apply to this dossier: {why_en}.",
        details={"form": form_no},
    )


def load(dossier: Dossier) -> Dossier:
    """The dossier with everything the forms read, fetched once."""
    return (
        Dossier.objects.select_related(
            "procedure_version",
            "receiving_agency__parent",
            "processing_agency__parent",
        )
        .prefetch_related(
            "components",
            "procedure_version__components",
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("agency", "actor").order_by(
                    "at", "id"
                ),
            ),
        )
        .get(pk=dossier.pk)
    )


def _latest(events: Sequence[DossierEvent], actions: Iterable[str]) -> DossierEvent | None:
    wanted = set(actions)
    for event in reversed(events):
        if event.action in wanted:
            return event
    return None


def timeliness(at: datetime.datetime, due: datetime.datetime) -> Timeliness:
    """Early / on time / late of one hand-over against its step deadline: the date
    parts decide (``workdays.engine.classify``, the Decision 766 rule), except that
    a hand-over later than its deadline on the deadline's own day is late, because
    step deadlines are counted in working hours."""
    result = classify(at, due)
    if result == Timeliness.ON_TIME and at > due:
        return Timeliness.LATE
    return result


# Names of local governments: "UBND huyện Chợ Mới" is in Chợ Mới.
_PLACE_PREFIXES = tuple(
    f"{body} {unit} "
    for body in ("UBND", "Ủy ban nhân dân", "Uỷ ban nhân dân")
    for unit in ("tỉnh", "thành phố", "huyện", "thị xã", "quận", "xã", "phường", "thị trấn")
)


def place_name(agency: Agency | None) -> str:
    """Where a document is made, for "Chợ Mới, ngày 03 tháng 12 năm 2026" (Decree
    30/2020 appendix I: the place is the locality of the issuing body): the locality
    of the agency, or of its parent for a department or service centre."""
    for candidate in (agency, getattr(agency, "parent", None)):
        name = getattr(candidate, "name", "")
        for prefix in _PLACE_PREFIXES:
            if name.startswith(prefix):
                return name[len(prefix) :]
    return ""


def agency_header(agency: Agency | None) -> dict[str, str]:
    """The top-left block: the parent ("cơ quan chủ quản") above the agency, and the
    place written before the date."""
    if agency is None:
        return {"parent": "", "name": "", "place": ""}
    parent = agency.parent.name if agency.parent_id else ""
    return {"parent": parent, "name": agency.name, "place": place_name(agency)}


def applicant(dossier: Dossier) -> dict[str, str]:
    return {
        "name": dossier.applicant_name,
        "id_number": dossier.applicant_id_number,
        "tax_code": dossier.applicant_tax_code,
        "address": ", ".join(
            part
            for part in (
                dossier.applicant_address,
                dossier.applicant_ward,
                dossier.applicant_province,
            )
            if part
        ),
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "channel": fmt.CHANNEL_NAMES.get(dossier.channel, dossier.channel),
        "is_business": dossier.applicant_type == "business",
    }


def _copies(originals: int, certified: int, photocopies: int) -> str:
    parts = []
    if originals:
        parts.append(f"{originals} bản chính")
    if certified:
        parts.append(f"{certified} bản sao chứng thực")
    if photocopies:
        parts.append(f"{photocopies} bản chụp")
    return ", ".join(parts)


def kind_of(form_no: str, dossier: Dossier) -> tuple[sets.FormSet, str]:
    """The set of the dossier and what its form ``form_no`` is there; ValueError (404)
    for a number the set does not have for a single dossier (the register is not)."""
    form_set = sets.of_dossier(dossier)
    kind = form_set.kinds.get(form_no)
    if kind is None or kind == sets.REGISTER:
        raise ValueError(f"form {form_no} is not a form of one dossier in {form_set.circular}")
    return form_set, kind


def common(dossier: Dossier, form_no: str, request: Any = None) -> dict[str, Any]:
    url = fmt.lookup_url(dossier.code, request)
    form_set, kind = kind_of(form_no, dossier)
    return {
        "form_no": form_no,
        "kind": kind,
        "circular": form_set.circular,
        "title": form_set.titles[kind],
        "dossier": dossier,
        "code": dossier.code,
        "lookup_url": url,
        "qr": fmt.qr_data_uri(url),
        "procedure_name": dossier.procedure_version.name,
        "summary": dossier.summary or dossier.procedure_version.name,
        "applicant": applicant(dossier),
        "printed_on": fmt.vn_date(timezone.now()),
        "document_date": fmt.vn_date(timezone.now()),
    }


def form_01(dossier: Dossier, events: Sequence[DossierEvent], **_: Any) -> dict[str, Any]:
    if dossier.received_at is None:
        raise not_applicable("01", "hồ sơ chưa được tiếp nhận", "the dossier was not received")
    reception = _latest(events, RECEPTION_ACTIONS)
    components = [
        {
            "name": c.name,
            "originals": c.originals,
            "certified_copies": c.certified_copies,
            "photocopies": c.photocopies,
        }
        for c in dossier.components.all()
        if c.provided
    ]
    version = dossier.procedure_version
    return {
        "agency": agency_header(dossier.receiving_agency),
        "receiving_unit": f"Bộ phận tiếp nhận và trả kết quả - {dossier.receiving_agency.name}",
        "components": components,
        "sets": dossier.sets,
        "processing_time": fmt.processing_time(version),
        "received": fmt.vn_datetime(dossier.received_at),
        "appointment": fmt.vn_datetime(dossier.due_at),
        "collect_at": dossier.receiving_agency.name,
        "collect_address": dossier.receiving_agency.address,
        "fee": fmt.money(dossier.fee_due) if dossier.fee_due else "",
        "receiver": reception.actor_name if reception else "",
        "document_date": fmt.vn_date(dossier.received_at),
    }


def form_02(
    dossier: Dossier,
    events: Sequence[DossierEvent],
    missing: Sequence[Any] | None = None,
    reason: str | None = None,
    **_: Any,
) -> dict[str, Any]:
    event = _latest(events, SUPPLEMENT_ACTIONS)
    if missing is None:
        rows = [c for c in dossier.components.all() if not c.provided]
        last_round = max((c.supplement_round for c in rows), default=0)
        missing = [c for c in rows if c.supplement_round == last_round]
    if event is None and not missing:
        raise not_applicable("02", "không có yêu cầu bổ sung", "no supplement was requested")
    definitions = {c.pk: c for c in dossier.procedure_version.components.all()}
    items = []
    for item in missing:
        if isinstance(item, str):
            items.append({"name": item, "form": ""})
            continue
        definition = definitions.get(getattr(item, "component_id", None)) or item
        items.append(
            {
                "name": item.name,
                "form": _copies(
                    getattr(definition, "originals", 0),
                    getattr(definition, "certified_copies", 0),
                    getattr(definition, "photocopies", 0),
                ),
            }
        )
    agency = (event.agency if event and event.agency_id else None) or dossier.receiving_agency
    officer = event.actor if event else None
    return {
        "agency": agency_header(agency),
        "unit": agency.name,
        "items": items,
        "reason": reason if reason is not None else (event.note if event else ""),
        "officer": event.actor_name if event else "",
        "officer_phone": getattr(officer, "phone", "") or "",
        "document_date": fmt.vn_date(event.at if event else timezone.now()),
    }


def form_03(
    dossier: Dossier, events: Sequence[DossierEvent], reason: str | None = None, **_: Any
) -> dict[str, Any]:
    event = _latest(events, REFUSAL_ACTIONS)
    if event is None and not reason:
        raise not_applicable("03", "hồ sơ không bị từ chối", "the dossier was not refused")
    at_reception = event is None or event.action != "refuse"
    default = dossier.receiving_agency if at_reception else dossier.processing_agency
    agency = (event.agency if event and event.agency_id else None) or default
    return {
        "agency": agency_header(agency),
        "unit": agency.name,
        "at_reception": at_reception,
        "reason": reason if reason is not None else event.note,
        "officer": event.actor_name if event else "",
        "submitted": fmt.vn_datetime(dossier.received_at or dossier.submitted_at),
        "document_date": fmt.vn_date(event.at if event else timezone.now()),
    }


def form_04(
    dossier: Dossier, events: Sequence[DossierEvent], reason: str | None = None, **_: Any
) -> dict[str, Any]:
    event = _latest(events, APOLOGY_ACTIONS)
    if event is None and not dossier.extended:
        raise not_applicable("04", "chưa có hẹn lại ngày trả kết quả", "no new appointment was set")
    agency = dossier.processing_agency
    return {
        "agency": agency_header(agency),
        "unit": agency.name,
        "received_on": fmt.vn_date(dossier.received_at),
        "original_due": fmt.vn_datetime(dossier.original_due_at),
        "new_due": fmt.vn_datetime(dossier.due_at),
        "new_due_date": fmt.vn_date(dossier.due_at),
        "reason": reason if reason is not None else (event.note if event else ""),
        "document_date": fmt.vn_date(event.at if event else timezone.now()),
    }


def form_05(dossier: Dossier, events: Sequence[DossierEvent], **_: Any) -> dict[str, Any]:
    rows = []
    previous: DossierEvent | None = None
    for event in events:
        # An event stores the deadline of the step it leads into, so the deadline of
        # the step a hand-over ends is the one the previous event stored.
        due = previous.step_due_at if previous is not None else None
        result = ""
        stated = (event.data or {}).get("timeliness")
        if stated in TIMELINESS_NAMES:
            result = TIMELINESS_NAMES[Timeliness(stated)]
        elif due is not None:
            result = TIMELINESS_NAMES[timeliness(event.at, due)]
        rows.append(
            {
                "unit": event.agency.name if event.agency_id else "",
                "what": event.step_name
                if event.action == "advance" and event.step_name
                else ACTION_NAMES.get(event.action, event.action),
                "step": event.step_name,
                "actor": event.actor_name,
                "at": fmt.short_datetime(event.at),
                "due": fmt.short_datetime(due),
                "result": result,
                "note": event.note,
            }
        )
        previous = event
    return {
        "agency": agency_header(dossier.receiving_agency),
        "rows": rows,
        "received": fmt.vn_datetime(dossier.received_at),
        "appointment": fmt.vn_datetime(dossier.due_at),
        "document_date": fmt.vn_date(dossier.received_at or dossier.submitted_at),
    }


def stop_notice(
    dossier: Dossier, events: Sequence[DossierEvent], reason: str | None = None, **_: Any
) -> dict[str, Any]:
    """Form 05 of Circular 03/2025: the notice that the agency stopped handling the
    dossier, and why (at the applicant's request or as the law requires)."""
    event = _latest(events, STOP_ACTIONS)
    if event is None and dossier.status != Status.STOPPED:
        raise not_applicable("05", "hồ sơ không bị dừng giải quyết", "the dossier was not stopped")
    agency = (event.agency if event and event.agency_id else None) or dossier.processing_agency
    return {
        "agency": agency_header(agency),
        "unit": agency.name,
        "received_on": fmt.vn_date(dossier.received_at or dossier.submitted_at),
        "reason": reason if reason is not None else (event.note if event else ""),
        "officer": event.actor_name if event else "",
        "stopped_on": fmt.vn_date(event.at if event else timezone.now()),
        "document_date": fmt.vn_date(event.at if event else timezone.now()),
    }


BUILDERS = {
    sets.RECEIPT: form_01,
    sets.SUPPLEMENT: form_02,
    sets.REFUSAL: form_03,
    sets.APOLOGY: form_04,
    sets.STOP_NOTICE: stop_notice,
    sets.CONTROL: form_05,
}


def for_dossier(
    form_no: str, dossier: Dossier, request: Any = None, **options: Any
) -> dict[str, Any]:
    dossier = load(dossier)
    events = list(dossier.events.all())
    context = common(dossier, form_no, request)
    context.update(BUILDERS[context["kind"]](dossier, events, **options))
    return context


# ---------------------------------------------------------------- form 06


def register_queryset(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return (
        dossiers.select_related("procedure_version", "processing_agency")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.filter(action__in=FORWARD_ACTIONS).order_by(
                    "at", "id"
                ),
                to_attr="forwardings",
            )
        )
        .order_by("received_at", "submitted_at", "id")
    )


def _register_note(dossier: Dossier) -> str:
    notes = []
    if dossier.finished_at and dossier.due_at:
        notes.append(TIMELINESS_NAMES[classify(dossier.finished_at, dossier.due_at)])
    elif dossier.status not in (Status.FINISHED, Status.RETURNED):
        notes.append(fmt.label(dossier.get_status_display()))
    if dossier.extended:
        notes.append("đã hẹn lại ngày trả")
    return "; ".join(notes)


def register(
    dossiers: QuerySet[Dossier] | Iterable[Dossier],
    agency: Agency | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> dict[str, Any]:
    if isinstance(dossiers, QuerySet):
        dossiers = register_queryset(dossiers)
    rows = []
    for index, d in enumerate(dossiers, start=1):
        forwardings = getattr(d, "forwardings", None)
        if forwardings is None:
            forwardings = [e for e in d.events.all() if e.action in FORWARD_ACTIONS]
        contact = ", ".join(p for p in (d.applicant_address, d.applicant_phone) if p)
        rows.append(
            {
                "index": index,
                "code": d.code,
                "applicant": d.applicant_name,
                "contact": contact,
                "procedure": d.procedure_version.name,
                "sets": d.sets,
                "received": fmt.short_datetime(d.received_at),
                "due": fmt.short_datetime(d.due_at),
                "transferred": fmt.short_datetime(forwardings[0].at if forwardings else None),
                "unit": d.processing_agency.name,
                "finished": fmt.short_datetime(d.finished_at),
                "returned": fmt.short_datetime(d.returned_at),
                "note": _register_note(d),
            }
        )
    form_set = sets.in_force(date_to or timezone.localdate())
    return {
        "form_no": form_set.register_number,
        "kind": sets.REGISTER,
        "circular": form_set.circular,
        "title": form_set.titles[sets.REGISTER],
        "agency": agency_header(agency),
        "rows": rows,
        "date_from": date_from.strftime("%d/%m/%Y") if date_from else "",
        "date_to": date_to.strftime("%d/%m/%Y") if date_to else "",
        "document_date": fmt.vn_date(timezone.now()),
    }
