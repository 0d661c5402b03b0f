"""Issue 11, finding 6: the public look-up cannot be walked for personal data. A bare
code shows the status only; the applicant's ID number (or its last 4 digits) or phone
opens the details; wrong proofs count against stricter limits; the address is never
taken from a header the client writes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from egov.core.tests.servers import fresh_window
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

API = "/api/v1/public/dossiers/"


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    cache.clear()
    fresh_window(needed=3)  # the limits count in clock windows
    yield
    cache.clear()


@pytest.fixture
def dossier(people, places):
    version = district_procedure()
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    dossier = services.accept(actor=people.desk_officer, dossier=dossier)
    return services.forward(actor=people.desk_officer, dossier=dossier)


def test_a_rotating_forwarded_for_header_does_not_escape_the_limit(client, dossier, settings):
    settings.EGOV_RATE_PUBLIC_LOOKUP = "5/min"
    codes = [
        client.get(f"{API}{dossier.code}", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(8)
    ]
    assert codes == [200] * 5 + [429] * 3


def test_behind_one_trusted_proxy_the_address_it_saw_is_counted(client, dossier, settings):
    settings.EGOV_TRUSTED_PROXIES = 1
    settings.EGOV_RATE_PUBLIC_LOOKUP = "2/min"
    # The client forges the left part; the proxy appends the address it saw.
    codes = [
        client.get(f"{API}{dossier.code}", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.7")
        for i in range(3)
    ]
    assert [r.status_code for r in codes] == [200, 200, 429]
    # Another real client behind the same proxy has its own count.
    other = client.get(f"{API}{dossier.code}", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 200


def test_a_bare_code_shows_no_personal_data(client, dossier):
    data = client.get(f"{API}{dossier.code}").json()
    assert "applicant_name" not in data and "received_at" not in data and "history" not in data
    page = client.get(f"/tra-cuu/{dossier.code}/").content.decode()
    assert APPLICANT["name"] not in page and 'id="lookup-proof"' in page


@pytest.mark.parametrize(
    "proof",
    [
        {"id_number": APPLICANT["id_number"]},
        {"id_number": APPLICANT["id_number"][-4:]},
        {"phone": "+84 912 345 678"},
    ],
    ids=["id-number", "last-4", "phone"],
)
def test_the_applicants_id_number_or_phone_opens_the_details(client, dossier, proof):
    response = client.post(f"{API}{dossier.code}", proof, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["verified"] is True and data["owner"] is False
    assert data["applicant_name"] == APPLICANT["name"]
    assert data["received_at"] and data["due_at"] and data["submitted_at"]
    assert data["outcome"] == ""
    assert [h["status"] for h in data["history"]] == ["submitted", "received", "processing"]
    assert APPLICANT["id_number"] not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_proof_is_refused_and_counted_against_a_stricter_limit(client, dossier, settings):
    settings.EGOV_RATE_LOOKUP_PROOF_FAILURES = "3/hour"
    url = f"{API}{dossier.code}"
    for guess in ("0000", "1111", "2222"):
        wrong = client.post(url, {"id_number": guess}, content_type="application/json")
        assert wrong.status_code == 403
        assert wrong.json()["error"]["code"] == "lookup_proof_mismatch"
        assert APPLICANT["name"] not in wrong.content.decode()
    # Blocked now, even with the right digits; the bare status still answers.
    right = client.post(url, {"id_number": "1234"}, content_type="application/json")
    assert right.status_code == 429
    assert right.json()["error"]["code"] == "lookup_proof_throttled"
    assert client.get(url).status_code == 200


def test_wrong_proofs_for_one_dossier_from_many_addresses_are_limited(client, dossier, settings):
    settings.EGOV_RATE_LOOKUP_PROOF_FAILURES_PER_CODE = "2/day"
    url = f"{API}{dossier.code}"
    for i in range(2):
        wrong = client.post(
            url, {"phone": "0900000000"}, content_type="application/json", REMOTE_ADDR=f"10.1.0.{i}"
        )
        assert wrong.status_code == 403
    right = client.post(
        url, {"id_number": "1234"}, content_type="application/json", REMOTE_ADDR="10.1.0.9"
    )
    assert right.status_code == 429


def test_a_proof_is_required_and_unknown_codes_tell_nothing_more(client, dossier):
    empty = client.post(f"{API}{dossier.code}", {}, content_type="application/json")
    assert empty.status_code == 400
    assert empty.json()["error"]["code"] == "lookup_proof_required"
    unknown = client.post(
        f"{API}000.00.12.H06-260101-9999", {"id_number": "1234"}, content_type="application/json"
    )
    assert unknown.status_code == 403


def test_the_page_opens_the_details_with_the_last_four_digits(client, dossier):
    page = client.post(f"/tra-cuu/{dossier.code}/", {"id_number": "1234"})
    assert page.status_code == 200
    html = page.content.decode()
    assert APPLICANT["name"] in html and "Quá trình xử lý" in html and "Phòng Tư pháp" in html
    assert APPLICANT["id_number"] not in html
    assert "no-store" in page["Cache-Control"]
    wrong = client.post(f"/tra-cuu/{dossier.code}/", {"id_number": "9999"})
    assert wrong.status_code == 403
    text = wrong.content.decode()
    assert APPLICANT["name"] not in text and "không khớp" in text and "9999" not in text
