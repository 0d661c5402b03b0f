"""The online application's services and pages (issue 14 point 2): saved step by
step, files checked and kept, reuse of an earlier file, submitted exactly once
through the same service as the API, every problem listed at once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure, pdf_bytes
from egov.portal import services
from egov.portal.models import Application, ApplicationFile, Delivery

FEE = {
    "name": "Lệ phí",
    "amount": 50_000,
    "collector": "",
    "payable_online": True,
    "note": "",
}


@pytest.fixture
def version(db):
    return district_procedure("2.000720", fees=[FEE])


def pdf(name="giay.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _filled(people, places, version) -> Application:
    application = services.start(
        actor=people.citizen, procedure_code=version.procedure.code, agency_id=places.district.pk
    )
    data = {"address": "Tổ 1, phường Đức Xuân", "phone": "0912345678", "email": ""}
    assert (
        services.save(actor=people.citizen, application=application, step="nguoi-nop", data=data)
        == []
    )
    assert (
        services.save(
            actor=people.citizen,
            application=application,
            step="thong-tin",
            data={"summary": "Xin cấp giấy", "delivery": "counter"},
        )
        == []
    )
    files = {f"c{c.pk}-file": pdf() for c in version.components.all()}
    assert services.attach(actor=people.citizen, application=application, files=files) == {}
    return application


def test_start_prefills_from_the_account_and_offers_the_procedures_deliveries(
    people, places, version
):
    application = services.start(
        actor=people.citizen, procedure_code=version.procedure.code, agency_id=places.district.pk
    )
    assert application.data["address"] == "Phường Đức Xuân, thành phố Bắc Kạn"
    # The factories' procedure is "toàn trình": the result may come online, by post or
    # at the counter.
    assert services.rules.deliveries(version) == [Delivery.ONLINE, Delivery.POST, Delivery.COUNTER]
    assert AuditEntry.objects.filter(action="portal.application_started").count() == 1


def test_an_officer_cannot_apply_and_an_agency_must_receive_the_procedure(people, places, version):
    with pytest.raises(DomainError) as refused:
        services.start(
            actor=people.desk_officer,
            procedure_code=version.procedure.code,
            agency_id=places.district.pk,
        )
    assert refused.value.code == "portal_applicant_only"
    with pytest.raises(DomainError) as refused:
        services.start(
            actor=people.citizen,
            procedure_code=version.procedure.code,
            agency_id=places.other_province.pk,
        )
    assert refused.value.code == "agency_not_receiving"
    assert not Application.objects.exists()


def test_a_step_keeps_what_was_typed_and_lists_every_error(people, places, version):
    application = services.start(
        actor=people.citizen, procedure_code=version.procedure.code, agency_id=places.district.pk
    )
    errors = services.save(
        actor=people.citizen,
        application=application,
        step="nguoi-nop",
        data={"address": "", "phone": "12", "email": "khong-phai-thu"},
    )
    assert {e.code for e in errors} == {"phone_invalid", "email_invalid", "address_required"}
    application.refresh_from_db()
    assert application.data["phone"] == "12"  # kept, so nothing typed is lost


def test_a_file_is_checked_by_its_content_and_replaced_by_the_next(people, places, version):
    application = _filled(people, places, version)
    component = version.components.first()
    refused = services.attach(
        actor=people.citizen,
        application=application,
        files={f"c{component.pk}-file": SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>")},
    )
    assert refused[f"c{component.pk}-file"].code == "file_type_not_accepted"
    # The file attached before is still there.
    assert ApplicationFile.objects.filter(application=application, component=component).count() == 1
    services.attach(
        actor=people.citizen, application=application, files={f"c{component.pk}-file": pdf("b.pdf")}
    )
    row = ApplicationFile.objects.get(application=application, component=component)
    assert row.original_name == "b.pdf"


def test_submission_goes_through_submit_online_once(people, places, version):
    application = _filled(people, places, version)
    dossier = services.submit(actor=people.citizen, application=application, consent=True)
    assert dossier.status == Status.SUBMITTED
    assert dossier.applicant_user == people.citizen
    assert dossier.applicant_id_number == people.citizen.applicant.id_number
    assert dossier.components.exclude(file="").count() == version.components.count()
    assert OutboxEvent.objects.filter(topic="dossier.submit_online").count() == 1
    # A double click, a second tab, a retry after a dropped connection: the same dossier.
    again = services.submit(actor=people.citizen, application=application, consent=True)
    assert again.pk == dossier.pk
    assert Dossier.objects.count() == 1
    assert not ApplicationFile.objects.filter(application=application).exists()
    with pytest.raises(DomainError) as refused:
        services.save(actor=people.citizen, application=application, step="nguoi-nop", data={})
    assert refused.value.code == "application_submitted"


def test_submission_refuses_without_consent_or_files_and_writes_nothing(people, places, version):
    application = services.start(
        actor=people.citizen, procedure_code=version.procedure.code, agency_id=places.district.pk
    )
    with pytest.raises(DomainError) as refused:
        services.submit(actor=people.citizen, application=application, consent=False)
    assert refused.value.code == "consent_required"
    with pytest.raises(DomainError) as refused:
        services.submit(actor=people.citizen, application=application, consent=True)
    assert refused.value.code == "application_incomplete"
    codes = {e["code"] for e in refused.value.details["errors"]}
    assert "component_file_required" in codes and "contact_required" in codes
    application.refresh_from_db()
    assert application.submitted_at is None
    assert not Dossier.objects.exists()


def test_a_file_from_an_earlier_dossier_is_reused(people, places, version):
    first = _filled(people, places, version)
    services.submit(actor=people.citizen, application=first, consent=True)
    second = services.start(
        actor=people.citizen, procedure_code=version.procedure.code, agency_id=places.district.pk
    )
    components = list(version.components.all())
    offered = services.reusable_files(people.citizen, components)
    assert set(offered) == {c.pk for c in components}
    source = offered[components[0].pk][0]
    row = services.reuse(
        actor=people.citizen,
        application=second,
        component_id=components[0].pk,
        source_id=source.pk,
    )
    assert row.reused_from == source and row.size == source.size
    # Another person's file is not offered, so it cannot be taken.
    with pytest.raises(DomainError):
        services.reuse(
            actor=people.citizen,
            application=second,
            component_id=components[0].pk,
            source_id=source.pk + 10_000,
        )


def test_pages_walk_the_steps_and_submit(people, places, version):
    client = Client()
    client.force_login(people.citizen)
    code = version.procedure.code
    page = client.get(reverse("catalog:detail", args=[code]))
    assert reverse("portal:start", args=[code]).encode() in page.content
    response = client.post(reverse("portal:start", args=[code]), {"agency": places.district.pk})
    application = Application.objects.get()
    assert response.url == reverse("portal:apply", args=[application.pk, "nguoi-nop"])
    url = lambda step: reverse("portal:apply", args=[application.pk, step])  # noqa: E731
    bad = client.post(url("nguoi-nop"), {"address": "", "phone": "", "go": "next"})
    assert bad.status_code == 400
    assert "Hãy nhập địa chỉ".encode() in bad.content
    ok = client.post(url("nguoi-nop"), {"address": "Tổ 2", "phone": "0912345678", "go": "next"})
    assert ok.url == url("thong-tin")
    client.post(url("thong-tin"), {"summary": "Cấp giấy", "delivery": "online", "go": "next"})
    files = {f"c{c.pk}-file": pdf() for c in version.components.all()}
    assert client.post(url("giay-to"), {"go": "next", **files}).url == url("phi")
    review = client.get(url("xem-lai"))
    assert b'id="expected-due"' in review.content
    done = client.post(reverse("portal:submit", args=[application.pk]), {"consent": "yes"})
    dossier = Dossier.objects.get()
    assert done.url == reverse("portal:dossier", args=[dossier.code])
    mine = client.get(reverse("portal:mine"))
    assert dossier.code.encode() in mine.content
    assert "Đã nộp, chờ cán bộ tiếp nhận".encode() in mine.content
    # Another person sees neither the application nor the dossier.
    other = Client()
    other.force_login(people.desk_officer)
    assert other.get(reverse("portal:dossier", args=[dossier.code])).status_code == 403


def test_a_file_too_large_is_refused_and_nothing_is_kept(people, places, version, settings):
    settings.EGOV_UPLOAD_MAX_FILE_BYTES = 100  # the test PDF is a few hundred bytes
    application = services.start(
        actor=people.citizen, procedure_code=version.procedure.code, agency_id=places.district.pk
    )
    component = version.components.first()
    client = Client()
    client.force_login(people.citizen)
    response = client.post(
        reverse("portal:apply", args=[application.pk, "giay-to"]),
        {"go": "stay", f"c{component.pk}-file": pdf()},
    )
    # Refused while the request streams in (egov.core.uploads): a 413 page that says
    # nothing was kept and what to do; the application keeps what it had.
    assert response.status_code == 413
    assert "Chưa có gì được lưu".encode() in response.content
    assert not ApplicationFile.objects.filter(application=application).exists()
    from egov.core.models import AuditEntry

    refused = AuditEntry.objects.get(action="upload.refused")
    assert refused.actor_id == people.citizen.pk and refused.changes["code"] == "file_too_large"
    assert refused.changes["limit"] == 100
