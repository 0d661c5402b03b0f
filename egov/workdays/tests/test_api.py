"""The public API, the management command and the public calendar page."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_due_date_for_the_2026_official_calendar(client):
    response = client.get(
        "/api/v1/calendar/due-date",
        {"start": "2026-02-13T10:00:00+07:00", "amount": "1", "unit": "working_days"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-02-23T10:00:00+07:00"
    assert body["effective_start"] == "2026-02-13T10:00:00+07:00"
    assert body["calendar_revision"] >= 1


@pytest.mark.parametrize(
    ("params", "due"),
    [
        (
            {"start": "2025-12-31T16:00:00+07:00", "amount": "1", "unit": "working_days"},
            "2026-01-05T16:00:00+07:00",
        ),
        (
            {"start": "2026-01-09T10:00:00+07:00", "amount": "1", "unit": "working_days"},
            "2026-01-10T10:00:00+07:00",
        ),
        (
            {
                "start": "2026-01-05T15:30:00+07:00",
                "amount": "1",
                "unit": "working_days",
                "cutoff_15h": "true",
            },
            "2026-01-06T17:30:00+07:00",
        ),
        (
            {"start": "2026-01-05T05:00:00Z", "amount": "3", "unit": "working_hours"},
            "2026-01-05T16:30:00+07:00",
        ),  # 12:00 in Hà Nội: lunch, counts from 13:30
        (
            {"start": "2026-02-09T10:00:00+07:00", "amount": "5", "unit": "calendar_days"},
            "2026-02-23T17:30:00+07:00",
        ),
        ({"start": "2026-01-05T10:00:00+07:00", "unit": "same_day"}, "2026-01-05T17:30:00+07:00"),
        (
            {"start": "2026-01-05T09:00:00+07:00", "amount": "0.5", "unit": "working_days"},
            "2026-01-05T15:00:00+07:00",
        ),
    ],
)
def test_due_date_examples(client, params, due):
    response = client.get("/api/v1/calendar/due-date", params)
    assert response.status_code == 200, response.json()
    assert response.json()["due"] == due


def test_an_unencoded_plus_in_the_offset_is_understood(client):
    response = client.get(
        "/api/v1/calendar/due-date?start=2026-02-13T10:00:00+07:00&amount=1&unit=working_days"
    )
    assert response.status_code == 200
    assert response.json()["due"] == "2026-02-23T10:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        (
            {"start": "2026-01-05T09:00:00+07:00", "amount": "1", "unit": "weeks"},
            "unit_unknown",
            "unit",
        ),
        (
            {"start": "2026-01-05T09:00:00+07:00", "amount": "-2", "unit": "working_days"},
            "amount_negative",
            "amount",
        ),
        (
            {"start": "2026-01-05T09:00:00+07:00", "unit": "working_days"},
            "amount_invalid",
            "amount",
        ),
        (
            {"start": "2026-01-05T09:00:00+07:00", "amount": "x", "unit": "working_days"},
            "amount_invalid",
            "amount",
        ),
        (
            {"start": "2026-01-05T09:00:00", "amount": "1", "unit": "working_days"},
            "datetime_naive",
            "start",
        ),
        (
            {"start": "yesterday", "amount": "1", "unit": "working_days"},
            "datetime_invalid",
            "start",
        ),
        (
            {"start": "1999-01-05T09:00:00+07:00", "amount": "1", "unit": "working_days"},
            "date_out_of_range",
            "start",
        ),
    ],
)
def test_due_date_errors(client, params, code, field):
    response = client.get("/api/v1/calendar/due-date", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"] and error["message_en"]


def test_days_with_reasons(client):
    response = client.get("/api/v1/calendar/days", {"from": "2026-01-01", "to": "2026-01-12"})
    assert response.status_code == 200
    days = {d["date"]: d for d in response.json()["days"]}
    assert len(days) == 12
    assert days["2026-01-01"]["working"] is False
    assert days["2026-01-01"]["name"] == "Tết Dương lịch"
    assert days["2026-01-02"]["reason"] == "decision_day_off"
    assert days["2026-01-03"]["reason"] == "weekend"
    assert days["2026-01-05"] == {
        "date": "2026-01-05",
        "weekday": 1,
        "working": True,
        "reason": "working",
        "name": "",
        "source": "week",
        "document": "",
    }
    assert days["2026-01-10"]["working"] is True
    assert days["2026-01-10"]["reason"] == "decision_working_day"
    assert days["2026-01-11"]["working"] is False


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-02-01", "to": "2026-01-01"}, "range_invalid"),
        ({"from": "2026-01-01", "to": "2030-01-01"}, "range_too_long"),
        ({"from": "2026-13-01", "to": "2026-12-31"}, "date_invalid"),
        ({"from": "1999-12-30", "to": "2000-01-02"}, "date_out_of_range"),
    ],
)
def test_days_errors(client, params, code):
    response = client.get("/api/v1/calendar/days", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_the_schema_describes_both_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    due = schema["paths"]["/api/v1/calendar/due-date"]["get"]
    assert {p["name"] for p in due["parameters"]} == {"start", "amount", "unit", "cutoff_15h"}
    assert due["security"] == [{}]  # public: no authentication required
    # 403: the second-factor middleware stops an administrator without it on any path.
    assert set(due["responses"]) == {"200", "400", "403", "429"}  # throttled per address
    assert "DueDate" in schema["components"]["schemas"]
    assert "/api/v1/calendar/days" in schema["paths"]


def test_the_command_prints_the_due_date(capsys):
    call_command("due_date", "2026-02-13T10:00:00+07:00", "1", "working_days")
    out = capsys.readouterr().out
    assert "due:               2026-02-23T10:00:00+07:00" in out
    assert "calendar revision:" in out
    call_command("due_date", "2026-01-05T15:30:00+07:00", "1", "working_days", "--cutoff-15h")
    assert "2026-01-06T17:30:00+07:00" in capsys.readouterr().out
    with pytest.raises(CommandError, match="unit_unknown"):
        call_command("due_date", "2026-01-05T09:00:00+07:00", "1", "fortnights")
    with pytest.raises(CommandError, match="datetime_naive"):
        call_command("due_date", "2026-01-05T09:00:00", "1", "working_days")


def test_the_public_calendar_page(client):
    response = client.get("/lich-lam-viec/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lịch làm việc năm 2026" in html
    assert "02/01/2026" in html and "10/01/2026" in html
    assert "Tết Dương lịch" in html and "Ngày Văn hóa Việt Nam" in html
    assert "Thông báo chính thức" in html and "Bộ luật Lao động 2019" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline scripts (CSP)
    assert " style=" not in html
    assert client.get("/lich-lam-viec/").status_code == 200
    assert client.get("/lich-lam-viec/1999/").status_code == 404
