""" "My dossiers" and the applicant's dossier page (issue 14 point 4): every dossier of
the person with its plain status, due date and what is expected of them; the same
number of queries whatever the page holds; other people's dossiers are not found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.dossiers import services as dossier_services
from egov.dossiers.services.base import ComponentInput
from egov.dossiers.tests.factories import district_procedure, scan
from egov.portal import rules
from egov.portal.tests.test_apply import FEE


@pytest.fixture
def version(db):
    return district_procedure("2.000720", fees=[FEE])


def _submit(people, places, version):
    citizen = people.citizen
    return dossier_services.submit_online(
        actor=citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant={
            "type": "citizen",
            "name": citizen.full_name,
            "id_number": citizen.applicant.id_number,
            "address": "Tổ 1",
            "phone": "0912345678",
        },
        components=[
            ComponentInput(component_id=c.pk, file=scan()) for c in version.components.all()
        ],
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_dossiers_reads_a_fixed_number_of_queries(people, places, version):
    client = Client()
    client.force_login(people.citizen)
    url = reverse("portal:mine")
    _submit(people, places, version)
    client.get(url)  # the catalogue cache is filled once
    one = _queries(client, url)
    for _ in range(5):
        _submit(people, places, version)
    assert _queries(client, url) == one


def test_what_the_applicant_is_expected_to_do(people, places, version):
    dossier = _submit(people, places, version)
    client = Client()
    client.force_login(people.citizen)
    page = client.get(reverse("portal:mine")).content.decode()
    # A fully online dossier may pay before the desk receives it.
    assert "Đã nộp, chờ cán bộ tiếp nhận" in page and "Cần nộp phí, lệ phí (trực tuyến)" in page
    dossier = dossier_services.accept(actor=people.desk_officer, dossier=dossier)
    # Received with a fee owed that can be paid online.
    page = client.get(reverse("portal:mine")).content.decode()
    assert "Đã được tiếp nhận" in page and "Cần nộp phí, lệ phí (trực tuyến)" in page
    detail = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert "Còn phải nộp 50.000" in detail
    assert reverse("payments:pay_online", args=[dossier.code]) in detail
    assert rules.expected(dossier, rated=False, payable_online=False) == ["pay_counter"]
    dossier.status = "finished"
    assert rules.expected(dossier, rated=False, payable_online=True) == ["pay", "collect"]
    dossier.status, dossier.fee_paid = "returned", dossier.fee_due
    assert rules.expected(dossier, rated=False, payable_online=True) == ["rate"]
    assert rules.expected(dossier, rated=True, payable_online=True) == []


def test_another_persons_dossier_is_not_found(people, places, version):
    dossier = _submit(people, places, version)
    from egov.directory.tests.factories import ApplicantFactory

    stranger = ApplicantFactory().user
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("portal:dossier", args=[dossier.code])).status_code == 404
    assert dossier.code.encode() not in client.get(reverse("portal:mine")).content


def test_a_reception_supplement_is_answered_from_the_portal(people, places, version):
    dossier = _submit(people, places, version)
    first = version.components.order_by("pk").first()
    dossier = dossier_services.request_reception_supplement(
        actor=people.desk_officer, dossier=dossier, missing=[first.pk], note="Thiếu trang 2"
    )
    client = Client()
    client.force_login(people.citizen)
    url = reverse("portal:dossier", args=[dossier.code])
    page = client.get(url).content.decode()
    assert "Bạn cần bổ sung" in page and "Thiếu trang 2" in page and first.name in page
    assert 'action="/ca-nhan/ho-so/' in page  # the registry's form, posted to the portal
    action = reverse("portal:action", args=[dossier.code, "supply_at_reception"])
    # A file that is not a PDF or image is refused next to the form; nothing changes.
    bad = client.post(
        action, {"version": dossier.version, f"c{first.pk}-file": scan(data=b"<html>")}
    )
    assert bad.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == "reception_supplement"
    done = client.post(action, {"version": dossier.version, f"c{first.pk}-file": scan()})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    assert dossier.components.filter(supplement_round=1, provided=True).exclude(file="").exists()
    # The desk's own action is not the applicant's: 404, not a refusal that tells more.
    other = reverse("portal:action", args=[dossier.code, "record_payment"])
    assert client.post(other, {"version": dossier.version}).status_code == 404


def _answers(**changes) -> dict:
    return {"total_time": "2", "contacts": "1", "bodies": "2", "attitude": "2", **changes}


def test_a_rating_is_open_to_the_applicant_once_after_the_return(people, places, version):
    """Circular 01/2018 art. 13: the applicant rates the returned dossier, once; before
    the return, twice, or by someone else it is refused, audited, and stores nothing."""
    from egov.core.models import AuditEntry
    from egov.directory.tests.factories import ApplicantFactory
    from egov.portal.models import Rating

    dossier = _submit(people, places, version)
    client = Client()
    client.force_login(people.citizen)
    url = reverse("portal:rate", args=[dossier.code])

    early = client.post(url, _answers())
    assert early.status_code == 403
    assert "Chỉ người nộp hồ sơ đánh giá, sau khi đã nhận kết quả." in early.content.decode()
    assert not Rating.objects.exists()

    type(dossier).objects.filter(pk=dossier.pk).update(status="returned")
    missing = client.post(url, _answers(attitude=""))
    assert missing.status_code == 400 and not Rating.objects.exists()
    assert client.post(url, _answers(comment="Cán bộ nhiệt tình")).status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.total_time, rating.contacts, rating.bodies, rating.attitude) == (2, 1, 2, 2)
    assert rating.comment == "Cán bộ nhiệt tình"

    again = client.post(url, _answers(contacts="0"))
    assert again.status_code == 409 and "Hồ sơ này đã được đánh giá." in again.content.decode()
    assert Rating.objects.get(dossier=dossier).contacts == 1

    stranger = Client()
    stranger.force_login(ApplicantFactory().user)
    assert stranger.post(url, _answers()).status_code == 404

    refused = AuditEntry.objects.filter(action="portal.rating_refused", object_id=str(dossier.pk))
    assert sorted(e.changes["code"] for e in refused) == [
        "rating_answer_required",
        "rating_exists",
        "rating_not_open",
    ]
    assert AuditEntry.objects.filter(action="portal.dossier_rated").count() == 1
