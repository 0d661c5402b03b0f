"""Input that cannot crash the server (issue 11, finding 7): bad query parameters and
hostile JSON bodies answer 400 in the project's error format, never 500."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from egov.core import inputs

DOSSIERS = "/api/v1/dossiers/"


@pytest.fixture
def officer(client, people):
    client.raise_request_exception = False
    client.force_login(people.desk_officer)
    return client


def _error(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{DOSSIERS}?from=2026-13-45", "from"),
        (f"{DOSSIERS}?to=2026-02-30", "to"),
        (f"{DOSSIERS}?limit=99999999999999999999", "limit"),
        (f"{DOSSIERS}?offset=99999999999999999999", "offset"),
        (f"{DOSSIERS}?limit=0", "limit"),
        (f"{DOSSIERS}?limit=abc", "limit"),
        (f"{DOSSIERS}?status=nonsense", "status"),
        (f"{DOSSIERS}?queue=nonsense", "queue"),
        (f"{DOSSIERS}?q={'x' * 201}", "q"),
        ("/api/v1/agencies/?in_force_on=2026-13-45", "in_force_on"),
        ("/api/v1/agencies/?limit=99999999999999999999", "limit"),
        ("/api/v1/procedures/?limit=99999999999999999999", "limit"),
        ("/api/v1/procedures/?level=99999999999999999999", "level"),
        ("/api/v1/procedures/?online=sometimes", "online"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(officer, url, field):
    error = _error(officer.get(url))
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    message = error["fields"][field][0]
    assert " / " in message  # Vietnamese / English


def test_every_bad_parameter_is_named_at_once(officer):
    error = _error(officer.get(f"{DOSSIERS}?from=2026-13-45&to=2026-02-30&status=x"))
    assert set(error["fields"]) == {"from", "to", "status"}


def test_good_parameters_still_work(officer):
    response = officer.get(f"{DOSSIERS}?from=2026-01-01&to=2026-12-31&limit=500&offset=0")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_nul_character_in_the_address_is_a_400(officer):
    error = _error(officer.get("/api/v1/agencies/%00/"))
    assert error["code"] == "malformed_request"
    assert _error(officer.get(f"{DOSSIERS}?q=a%00b"))["code"] == "malformed_request"
    page = officer.get("/thu-tuc/?q=a%00b")
    assert page.status_code == 400
    assert "NUL" in page.content.decode()


def test_json_nested_a_thousand_deep_is_a_400_json_too_deep(officer):
    for body in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000):
        response = officer.post(DOSSIERS, body, content_type="application/json")
        assert _error(response)["code"] == "json_too_deep"


def test_json_just_deeper_than_the_limit_is_refused_and_the_limit_itself_is_parsed(officer):
    too_deep = "[" * (inputs.MAX_JSON_DEPTH + 1) + "]" * (inputs.MAX_JSON_DEPTH + 1)
    response = officer.post(DOSSIERS, too_deep, content_type="application/json")
    assert _error(response)["code"] == "json_too_deep"
    at_limit = "[" * inputs.MAX_JSON_DEPTH + "]" * inputs.MAX_JSON_DEPTH
    # Parsed, then refused by the view for not being an object.
    response = officer.post(DOSSIERS, at_limit, content_type="application/json")
    assert _error(response)["code"] == "malformed_request"


def test_an_oversized_json_body_is_a_413_json_too_large(officer):
    body = json.dumps({"summary": "x" * (inputs.MAX_JSON_BYTES + 10)})
    response = officer.post(DOSSIERS, body, content_type="application/json")
    assert _error(response, 413)["code"] == "json_too_large"


def test_nan_is_not_json(officer):
    response = officer.post(DOSSIERS, '{"x": NaN}', content_type="application/json")
    assert _error(response)["code"] == "malformed_request"


def test_depth_is_measured_without_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert inputs.depth_of(value) == inputs.MAX_JSON_DEPTH + 1
    assert inputs.depth_of({"a": [1, {"b": 2}]}) == 3
    assert inputs.depth_of(7) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/thu-tuc/?level=99999999999999999999",
        "/thu-tuc/?online=sometimes",
    ],
)
def test_a_page_with_a_bad_parameter_answers_a_bilingual_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Yêu cầu không hợp lệ" in text
    assert "not valid" in text


def test_the_register_page_with_an_impossible_date_answers_a_bilingual_400(officer):
    response = officer.get("/so-theo-doi-ho-so/?tu=2026-13-45&den=2026-02-30")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Yêu cầu không hợp lệ" in text and "not valid" in text
    assert "2026-13-45" in text and "2026-02-30" in text


@pytest.mark.parametrize(
    "query", ["from=2026-13-45", "to=2026-02-30", "page=99999999999999999999", "status=x"]
)
def test_the_search_page_never_fails_on_its_parameters(officer, query):
    response = officer.get(f"/mot-cua/tim-kiem/?{query}")
    assert response.status_code in (200, 400), response.status_code


def test_the_due_date_takes_only_a_real_boolean(client, db):
    url = "/api/v1/calendar/due-date?start=2026-01-05T09:00:00%2B07:00&amount=1&unit=working_days"
    assert client.get(f"{url}&cutoff_15h=true").status_code == 200
    error = _error(client.get(f"{url}&cutoff_15h=maybe"))
    assert error["code"] == "boolean_invalid" and error["field"] == "cutoff_15h"


def test_a_deep_json_document_in_a_multipart_part_is_a_400_json_too_deep(officer):
    deep = "[" * 1000 + "]" * 1000
    response = officer.post(DOSSIERS, {"data": deep})  # multipart/form-data
    assert _error(response)["code"] == "json_too_deep"


HOSTILE = ["2026-13-45", "99999999999999999999", "-1", "x" * 3000, "' OR 1=1 --", "😀", "%00"]
PAGES = {
    "/thu-tuc/": ["q", "search", "agency", "field", "tier", "level", "online", "page"],
    "/mot-cua/tim-kiem/": ["q", "procedure", "status", "from", "to", "page"],
    "/mot-cua/hang-doi/to_forward/": ["page"],
    "/mot-cua/tiep-nhan/": ["procedure", "procedure_q"],
    "/mot-cua/tiep-nhan/thu-tuc/": ["procedure_q"],
    "/so-theo-doi-ho-so/": ["tu", "den"],
    "/tra-cuu/": ["code"],
    "/lich-lam-viec/": ["year"],
    "/accounts/login/": ["next"],
}


@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_fails_on_any_value_of_its_parameters(officer, path):
    for name in PAGES[path]:
        for value in HOSTILE:
            raw = value if value == "%00" else quote(value)
            response = officer.get(f"{path}?{name}={raw}")
            assert response.status_code < 500, (path, name, value, response.status_code)
            if response.status_code == 400:
                text = response.content.decode()
                assert "không hợp lệ" in text and ("not valid" in text or "invalid" in text)
