"""Public API of the working-day calendar: due dates and the list of days."""

from __future__ import annotations

import datetime
import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.errors import DomainError
from egov.core.openapi import ErrorSerializer
from egov.workdays import engine, rules, services
from egov.workdays.engine import Unit

MAX_DAYS_LISTED = 731
# "+07:00" arrives as " 07:00" when a client forgets to encode "+" in a query string.
_SPACE_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


def parse_datetime(value: str | None, field: str) -> datetime.datetime:
    """An ISO 8601 date and time with an offset (codes ``datetime_invalid``,
    ``datetime_naive``)."""
    if not value:
        raise rules.datetime_invalid("", field)
    text = _SPACE_OFFSET.sub(r"+\1", value.strip())
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise rules.datetime_invalid(value, field) from None
    if parsed.tzinfo is None:
        raise rules.datetime_naive(field)
    return parsed


def parse_date(value: str | None, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise rules.date_invalid(value, field) from None


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def parse_bool(value: str | None, field: str = "cutoff_15h") -> bool:
    text = (value or "").strip().lower()
    if text not in _TRUE + _FALSE:
        raise DomainError(
            "boolean_invalid",
            f"'{text[:20]}' không phải giá trị đúng/sai (true, false).",
            f"'{text[:20]}' is not a boolean (true, false).",
            field=field,
        )
    return text in _TRUE


class DueDateSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Thời điểm tiếp nhận (as given).")
    effective_start = serializers.DateTimeField(
        help_text="Thời điểm bắt đầu tính thời hạn (next working period, cut-off applied)."
    )
    amount = serializers.CharField()
    unit = serializers.ChoiceField(choices=[u.value for u in Unit])
    cutoff_15h = serializers.BooleanField()
    due = serializers.DateTimeField(help_text="Hạn giải quyết (Asia/Ho_Chi_Minh).")
    calendar_revision = serializers.IntegerField(
        help_text="Phiên bản lịch đã dùng; lưu cùng hạn đã cấp."
    )


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.IntegerField(help_text="ISO weekday: 1 = Monday ... 7 = Sunday.")
    working = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=[k.value for k in engine.DayKind],
        help_text="working, weekend, holiday (rule), decision_day_off, decision_working_day "
        "(official decision, e.g. a swapped Saturday).",
    )
    name = serializers.CharField(help_text="Tên ngày lễ / lý do (Vietnamese).")
    source = serializers.ChoiceField(choices=[s.value for s in engine.Source])
    document = serializers.CharField(allow_blank=True)


class DaysSerializer(serializers.Serializer):
    calendar_revision = serializers.IntegerField()
    days = DaySerializer(many=True)


_ERRORS = {400: ErrorSerializer}


class DueDateView(APIView):
    """The due date of a processing time counted from a receipt time."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Tính hạn giải quyết (due date)",
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATETIME,
                required=True,
                description="Receipt time, ISO 8601 with an offset "
                "(e.g. 2026-01-05T09:00:00+07:00).",
            ),
            OpenApiParameter(
                "amount",
                OpenApiTypes.NUMBER,
                required=True,
                description="Amount of time (>= 0; a whole number for "
                "calendar days; ignored for same_day).",
            ),
            OpenApiParameter("unit", OpenApiTypes.STR, required=True, enum=[u.value for u in Unit]),
            OpenApiParameter(
                "cutoff_15h",
                OpenApiTypes.BOOL,
                required=False,
                description="Count a receipt after 15:00 from the next working day.",
            ),
        ],
        responses={200: DueDateSerializer, **_ERRORS},
        examples=[
            OpenApiExample(
                "Tết 2026",
                response_only=True,
                value={
                    "start": "2026-02-13T10:00:00+07:00",
                    "effective_start": "2026-02-13T10:00:00+07:00",
                    "amount": "1",
                    "unit": "working_days",
                    "cutoff_15h": False,
                    "due": "2026-02-23T10:00:00+07:00",
                    "calendar_revision": 1,
                },
            )
        ],
    )
    def get(self, request):
        params = request.query_params
        start = parse_datetime(params.get("start"), "start")
        amount = params.get("amount", "0" if params.get("unit") == Unit.SAME_DAY else None)
        if amount is None:
            raise rules.amount_invalid("")
        unit = params.get("unit")
        cutoff = parse_bool(params.get("cutoff_15h"))
        deadline = services.compute_due(start=start, amount=amount, unit=unit, cutoff_15h=cutoff)
        return Response(
            DueDateSerializer(
                {
                    "start": start,
                    "effective_start": deadline.effective_start,
                    "amount": amount,
                    "unit": unit,
                    "cutoff_15h": cutoff,
                    "due": deadline.due,
                    "calendar_revision": deadline.calendar_revision,
                }
            ).data
        )


class DaysView(APIView):
    """Working and non-working days between two dates, with the reason."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Danh sách ngày làm việc / ngày nghỉ (calendar days)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                required=True,
                description=f"Inclusive; at most {MAX_DAYS_LISTED} days.",
            ),
        ],
        responses={200: DaysSerializer, **_ERRORS},
    )
    def get(self, request):
        start = parse_date(request.query_params.get("from"), "from")
        end = parse_date(request.query_params.get("to"), "to")
        rules.check_range(start, end, max_days=MAX_DAYS_LISTED)
        calendar = services.get_calendar()
        days = [
            {
                "date": d.day,
                "weekday": d.day.isoweekday(),
                "working": d.working,
                "reason": d.kind,
                "name": d.name,
                "source": d.source,
                "document": d.document,
            }
            for d in calendar.days(start, end)
        ]
        return Response(DaysSerializer({"calendar_revision": calendar.revision, "days": days}).data)
