"""Every path of the dossier lifecycle through the services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core.errors import Conflict, DomainError, NotPermitted
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers import services
from egov.dossiers.lifecycle import NATIONAL_CODE, TRANSITIONS, Status
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.services import ComponentInput
from egov.dossiers.tests.factories import (
    APPLICANT,
    at,
    district_procedure,
    full_checklist,
    pdf_bytes,
)

# Monday 2 March 2026, 09:00 (a working day).
MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture
def version(db):
    return district_procedure()


def receive(people, version, now=MONDAY, **kwargs):
    kwargs.setdefault("components", full_checklist(version))
    kwargs.setdefault("applicant", APPLICANT)
    return services.receive(
        actor=people.desk_officer, procedure_code=version.code, channel="counter", now=now, **kwargs
    )


def test_every_state_has_one_national_code():
    assert set(NATIONAL_CODE) == set(Status.values)
    assert sorted(set(NATIONAL_CODE.values())) == list(range(1, 11))
    targets = {target for _, target in TRANSITIONS.values() if target}
    assert targets <= set(Status.values)


def test_reception_complete_gives_code_due_date_first_step_and_form_01(people, places, version):
    dossier = receive(people, version)
    assert dossier.code == f"{places.district.code}-260302-0001"
    assert dossier.status == Status.RECEIVED and dossier.national_status == 2
    # 3 working days from Monday 09:00 -> Thursday 09:00.
    assert dossier.due_at == at(2026, 3, 5, 9, 0)
    assert dossier.current_step.name == "Tiếp nhận hồ sơ"
    assert dossier.step_due_at == at(2026, 3, 2, 15, 0)  # 4 working hours, lunch skipped
    assert dossier.components.filter(provided=True).count() == 2
    assert DossierEvent.objects.get(dossier=dossier).action == "receive_complete"
    assert AuditEntry.objects.filter(action="dossier.receive_complete").exists()
    assert OutboxEvent.objects.filter(topic="dossier.receive_complete").exists()


def test_codes_count_per_agency_per_day(people, places, version):
    first = receive(people, version)
    second = receive(people, version)
    next_day = receive(people, version, now=at(2026, 3, 3, 8, 0))
    assert [first.code[-4:], second.code[-4:], next_day.code[-4:]] == ["0001", "0002", "0001"]
    assert next_day.code.startswith(f"{places.district.code}-260303-")


def test_complete_reception_needs_every_mandatory_component(people, version):
    only_one = full_checklist(version)[:1]
    with pytest.raises(DomainError) as caught:
        receive(people, version, components=only_one)
    assert caught.value.code == "components_missing"
    assert "Giấy chứng sinh" in caught.value.message
    assert not Dossier.objects.exists()


def test_incomplete_reception_lists_every_missing_item_once(people, version):
    missing = [c.pk for c in version.components.all()]
    dossier = receive(people, version, components=[], outcome="incomplete", missing=missing)
    assert dossier.status == Status.RECEPTION_SUPPLEMENT and dossier.national_status == 5
    assert dossier.due_at is None
    rows = dossier.components.filter(provided=False)
    assert sorted(rows.values_list("name", flat=True)) == sorted(
        c.name for c in version.components.all()
    )


def test_refusal_at_reception_needs_a_reason(people, version):
    with pytest.raises(DomainError) as caught:
        receive(people, version, components=[], outcome="refused")
    assert caught.value.code == "reason_required"
    dossier = receive(
        people, version, components=[], outcome="refused", reason="Không thuộc thẩm quyền"
    )
    assert dossier.status == Status.NOT_RECEIVED and dossier.national_status == 3


def test_invalid_id_number_is_refused(people, version):
    with pytest.raises(DomainError) as caught:
        receive(people, version, applicant={**APPLICANT, "id_number": "12345"})
    assert caught.value.code == "id_number_invalid"
    assert caught.value.field == "applicant.id_number"


def test_only_desk_officers_receive(people, version):
    with pytest.raises(NotPermitted):
        services.receive(
            actor=people.specialist,
            procedure_code=version.code,
            channel="counter",
            applicant=APPLICANT,
            components=full_checklist(version),
        )


def _processing(people, version, now=MONDAY):
    dossier = receive(people, version, now=now)
    return services.forward(actor=people.desk_officer, dossier=dossier, now=now)


def test_forward_moves_to_the_specialist_step(people, version):
    dossier = _processing(people, version)
    assert dossier.status == Status.PROCESSING and dossier.national_status == 4
    assert dossier.current_step.role == "specialist"
    assert dossier.processing_received_at == MONDAY


def test_paper_dossier_forwarded_after_15h_counts_from_next_morning(people, version):
    dossier = receive(people, version, now=at(2026, 3, 2, 15, 30))
    dossier = services.forward(
        actor=people.desk_officer, dossier=dossier, now=at(2026, 3, 2, 15, 40)
    )
    assert dossier.processing_received_at == at(2026, 3, 3, 7, 30)


def test_full_path_to_result_returned(people, version):
    dossier = _processing(people, version)
    services.assign(
        actor=people.specialist, dossier=dossier, assignee=people.specialist, now=MONDAY
    )
    dossier = services.advance(
        actor=people.specialist, dossier=dossier, action="forward", now=at(2026, 3, 3, 10, 0)
    )
    assert dossier.current_step.role == "agency_leader"
    pdf = SimpleUploadedFile("giay.pdf", pdf_bytes(), content_type="application/pdf")
    dossier = services.record_result(
        actor=people.agency_leader,
        dossier=dossier,
        files=[("Giấy chứng nhận", pdf)],
        now=at(2026, 3, 4, 10, 0),
    )
    assert dossier.status == Status.FINISHED and dossier.national_status == 9
    finished = DossierEvent.objects.get(dossier=dossier, action="record_result")
    assert finished.data["timeliness"] == "early"
    dossier = services.return_result(
        actor=people.desk_officer, dossier=dossier, now=at(2026, 3, 4, 14, 0)
    )
    assert dossier.status == Status.RETURNED and dossier.national_status == 10
    assert OutboxEvent.objects.filter(topic="dossier.early_return_notice").exists()
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == [
        "receive_complete",
        "forward",
        "assign",
        "advance",
        "record_result",
        "return_result",
    ]
    assert dossier.version == 6


def test_illegal_transition_is_409_with_allowed_list(people, version):
    dossier = receive(people, version)
    with pytest.raises(Conflict) as caught:
        services.return_result(actor=people.desk_officer, dossier=dossier)
    assert caught.value.code == "transition_not_allowed"
    assert "forward" in caught.value.details["allowed"]


def test_the_step_role_is_enforced(people, version):
    dossier = _processing(people, version)
    with pytest.raises(NotPermitted):  # the leader's step is later
        services.advance(actor=people.agency_leader, dossier=dossier, action="approve")
    with pytest.raises(NotPermitted):  # another agency's specialist
        services.advance(actor=people.other_officer, dossier=dossier)


def test_stale_version_is_refused(people, version):
    dossier = _processing(people, version)
    with pytest.raises(Conflict) as caught:
        services.advance(actor=people.specialist, dossier=dossier, expected_version=1)
    assert caught.value.code == "version_mismatch"


def test_send_back_to_an_earlier_step(people, version):
    dossier = _processing(people, version)
    dossier = services.advance(actor=people.specialist, dossier=dossier)
    with pytest.raises(DomainError):
        services.send_back(actor=people.agency_leader, dossier=dossier, to_order=2, reason="")
    dossier = services.send_back(
        actor=people.agency_leader, dossier=dossier, to_order=2, reason="Thiếu xác minh"
    )
    assert dossier.current_step.order == 2


def test_supplement_restarts_the_processing_time(people, version):
    dossier = _processing(people, version)
    missing = [version.components.first().pk]
    dossier = services.request_supplement(
        actor=people.specialist,
        dossier=dossier,
        missing=missing,
        reason="Bản sao mờ",
        now=at(2026, 3, 3, 9, 0),
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.national_status == 5
    dossier = services.supply(
        actor=people.desk_officer,
        dossier=dossier,
        components=[ComponentInput(component_id=missing[0], originals=1)],
        now=at(2026, 3, 9, 9, 0),
    )
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(2026, 3, 12, 9, 0)  # 3 working days from the supplement


def test_supplement_more_than_3_working_days_after_reception_is_refused(people, version):
    dossier = _processing(people, version)
    with pytest.raises(DomainError) as caught:
        services.request_supplement(
            actor=people.specialist,
            dossier=dossier,
            missing=[version.components.first().pk],
            reason="x",
            now=at(2026, 3, 6, 10, 0),
        )
    assert caught.value.code == "supplement_too_late"


def test_financial_obligation_pauses_the_clock(people, version):
    dossier = _processing(people, version)
    due = dossier.due_at
    dossier = services.request_financial_obligation(
        actor=people.specialist, dossier=dossier, amount=100_000, now=at(2026, 3, 2, 10, 0)
    )
    assert dossier.national_status == 6
    dossier = services.fulfil_financial_obligation(
        actor=people.specialist, dossier=dossier, paid=100_000, now=at(2026, 3, 3, 10, 0)
    )
    assert dossier.due_at == due + datetime.timedelta(days=1)  # one working day later
    assert dossier.fee_paid == 100_000


def test_late_dossier_gets_one_new_appointment(people, version):
    dossier = _processing(people, version)
    new = at(2026, 3, 10, 16, 0)
    dossier = services.apologise_late(
        actor=people.specialist,
        dossier=dossier,
        new_due=new,
        reason="Cần xác minh thực địa",
        now=at(2026, 3, 3, 9, 0),
    )
    assert dossier.due_at == new and dossier.original_due_at == at(2026, 3, 5, 9, 0)
    with pytest.raises(DomainError) as caught:
        services.apologise_late(
            actor=people.specialist,
            dossier=dossier,
            new_due=at(2026, 3, 11, 16, 0),
            reason="again",
            now=at(2026, 3, 3, 10, 0),
        )
    assert caught.value.code == "extension_already_granted"


def test_extension_less_than_a_working_day_before_due_is_refused(people, version):
    dossier = _processing(people, version)
    with pytest.raises(DomainError) as caught:
        services.apologise_late(
            actor=people.specialist,
            dossier=dossier,
            new_due=at(2026, 3, 10, 16, 0),
            reason="x",
            now=at(2026, 3, 4, 14, 0),
        )
    assert caught.value.code == "extension_too_late"


def test_withdraw_stop_and_refuse(people, version):
    a = _processing(people, version)
    assert services.withdraw(actor=people.desk_officer, dossier=a).national_status == 7
    b = _processing(people, version)
    assert (
        services.stop(
            actor=people.agency_leader, dossier=b, reason="Quá hạn bổ sung"
        ).national_status
        == 8
    )
    c = _processing(people, version)
    c = services.refuse(actor=people.agency_leader, dossier=c, reason="Không đủ điều kiện")
    assert c.national_status == 9 and c.outcome == "refused"


def test_consultation_with_its_own_deadline(people, places, version):
    dossier = _processing(people, version)
    consultation = services.consult(
        actor=people.specialist,
        dossier=dossier,
        agency=places.department,
        question="Xin ý kiến",
        hours=8,
        now=MONDAY,
    )
    assert consultation.due_at == at(2026, 3, 3, 9, 0)
    with pytest.raises(NotPermitted):
        services.answer_consultation(
            actor=people.specialist, consultation=consultation, answer="..."
        )
    services.answer_consultation(
        actor=people.other_officer,
        consultation=consultation,
        answer="Đồng ý",
        now=at(2026, 3, 3, 11, 0),
    )
    consultation.refresh_from_db()
    assert consultation.overdue


def test_online_submission_then_acceptance(people, places, version):
    version_online = version
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version_online.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
        now=MONDAY,
    )
    assert dossier.status == Status.SUBMITTED and dossier.national_status == 1
    assert dossier.applicant_user == people.citizen
    dossier = services.accept(actor=people.desk_officer, dossier=dossier, now=at(2026, 3, 2, 10, 0))
    assert dossier.status == Status.RECEIVED and dossier.due_at == at(2026, 3, 5, 10, 0)


def test_files_are_checked_by_content(people, version):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    checklist = full_checklist(version)
    checklist[0].file = fake
    with pytest.raises(DomainError) as caught:
        receive(people, version, components=checklist)
    assert caught.value.code == "file_type_not_accepted"
    assert not Dossier.objects.exists()


def test_a_big_file_is_refused(people, version, settings):
    settings.EGOV_UPLOAD_MAX_FILE_BYTES = 1000
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * 1000, content_type="application/pdf")
    checklist = full_checklist(version)
    checklist[0].file = big
    with pytest.raises(DomainError) as caught:
        receive(people, version, components=checklist)
    assert caught.value.code == "file_too_large"


def test_cross_level_transfer_returns_to_the_receiving_desk(people, places, version):
    from egov.catalog.tests.factories import published

    version = published("1.000001", tiers=["district", "province"])
    dossier = _processing(people, version)
    with pytest.raises(DomainError):
        services.transfer(actor=people.agency_leader, dossier=dossier, agency=places.commune)
    dossier = services.transfer(actor=people.agency_leader, dossier=dossier, agency=places.province)
    assert dossier.processing_agency == places.province
    assert dossier.receiving_agency == places.district


def test_queues_for_each_role(people, version):
    from egov.dossiers import queries

    received = receive(people, version)
    processing = _processing(people, version)
    counts = queries.queue_counts(people.desk_officer, now=MONDAY)
    assert counts["to_forward"] == 1
    assert list(queries.queue(people.desk_officer, "to_forward", now=MONDAY)) == [received]
    assert list(queries.queue(people.specialist, "to_process", now=MONDAY)) == [processing]
    assert queries.queue_counts(people.agency_leader, now=MONDAY)["to_process"] == 0
    late = at(2026, 3, 6, 9, 0)
    assert queries.queue_counts(people.desk_officer, now=late)["overdue"] == 2
    assert queries.queue_counts(people.other_officer, now=late)["overdue"] == 0


def test_search_by_code_name_and_id_number(people, version):
    from egov.dossiers import queries

    dossier = receive(people, version)
    business = receive(
        people,
        version,
        applicant={
            "type": "business",
            "name": "Công ty TNHH 0101234567 Bắc Kạn",
            "tax_code": "0101234567-001",
            "address": "Phường Đức Xuân",
        },
    )
    for text in (dossier.code, "Thị Lan", APPLICANT["id_number"], " thị lan "):
        assert list(queries.search(people.desk_officer, text=text)) == [dossier]
    # What the officer types decides where to look: a code's start (any case), a tax
    # or ID number, or a part of the name.
    prefix = dossier.code[:14].lower()
    assert set(queries.search(people.desk_officer, text=prefix)) == {dossier, business}
    assert list(queries.search(people.desk_officer, text="0101234567-001")) == [business]
    assert list(queries.search(people.desk_officer, text="0101234567")) == [business]
    assert list(queries.search(people.desk_officer, text="0202020202")) == []
    assert list(queries.search(people.desk_officer, text="TNHH 0101")) == [business]
    assert list(queries.search(people.foreign_officer, text=dossier.code)) == []


def test_same_level_inter_agency_dossier_goes_to_every_participant(people, places):
    from decimal import Decimal

    version = district_procedure(
        "2.002000",
        participants=[
            {
                "is_lead": True,
                "agency_name": "UBND huyện",
                "agency": "",
                "tier": "district",
                "task": "Chủ trì, cấp giấy",
                "time_share": Decimal(2),
            },
            {
                "is_lead": False,
                "agency_name": "Sở Tư pháp",
                "agency": places.department.code,
                "tier": "",
                "task": "Xác minh",
                "time_share": Decimal(1),
            },
        ],
    )
    dossier = _processing(people, version)
    tasks = {t.agency: t for t in dossier.tasks.all()}
    assert set(tasks) == {places.district, places.department}
    assert tasks[places.department].due_at == at(2026, 3, 3, 9, 0)  # 1 working day
    assert tasks[places.district].is_lead
    # The participant sees the dossier (its part); an unrelated agency does not.
    from egov.dossiers import queries

    assert list(queries.visible(people.other_officer)) == [dossier]
    assert list(queries.visible(people.commune_officer)) == []
    assert queries.visible_tasks(people.other_officer, dossier) == [tasks[places.department]]
    assert len(queries.visible_tasks(people.desk_officer, dossier)) == 2
    dossier = services.advance(actor=people.specialist, dossier=dossier)
    with pytest.raises(Conflict) as caught:
        services.record_result(actor=people.agency_leader, dossier=dossier)
    assert caught.value.code == "tasks_open"
    services.complete_task(
        actor=people.other_officer, task=tasks[places.department], note="Đã xác minh"
    )
    dossier = services.record_result(actor=people.agency_leader, dossier=dossier)
    assert dossier.status == Status.FINISHED
    assert not dossier.tasks.filter(state="open").exists()


def test_opening_a_dossier_is_audited_as_a_personal_data_read(people, version):
    dossier = receive(people, version)
    assert services.open_dossier(actor=people.specialist, code=dossier.code) == dossier
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.actor == people.specialist and entry.object_id == str(dossier.pk)
    assert services.open_dossier(actor=people.foreign_officer, code=dossier.code) is None
    assert AuditEntry.objects.filter(action="personal_data.read").count() == 1


def test_workflow_ending_with_a_desk_return_step(people):
    from decimal import Decimal

    from egov.catalog.tests.factories import steps

    closing = steps(24)
    closing[2]["is_final"] = False
    closing[2]["hours"] = Decimal(2)
    closing.append(
        {
            "order": 4,
            "name": "Trả kết quả",
            "role": "desk_officer",
            "department": "Bộ phận Một cửa",
            "hours": Decimal(2),
            "actions": ["return_result"],
            "is_final": True,
        }
    )
    version = district_procedure(
        "2.000720", workflows=[{"agency": "", "tier": "", "steps": closing}]
    )
    dossier = _processing(people, version)
    dossier = services.advance(actor=people.specialist, dossier=dossier)
    with pytest.raises(Conflict) as caught:  # the leader decides; no forwarding to the desk
        services.advance(actor=people.agency_leader, dossier=dossier, action="approve")
    assert caught.value.code == "final_step"
    dossier = services.record_result(actor=people.agency_leader, dossier=dossier)
    assert dossier.status == Status.FINISHED
    assert dossier.current_step.name == "Trả kết quả"
    dossier = services.return_result(actor=people.desk_officer, dossier=dossier)
    assert dossier.status == Status.RETURNED


def test_a_consulted_agency_reads_the_dossier_but_cannot_work_on_it(people, places, version):
    from egov.dossiers import queries

    dossier = _processing(people, version)
    assert list(queries.visible(people.other_officer)) == []
    services.consult(
        actor=people.specialist, dossier=dossier, agency=places.department, question="Xin ý kiến"
    )
    assert list(queries.visible(people.other_officer)) == [dossier]
    with pytest.raises(NotPermitted):
        services.advance(actor=people.other_officer, dossier=dossier)
