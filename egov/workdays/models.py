"""Stored data of the working-day calendar: the official decisions that override the
rule-based holidays, office hours per province, the calendar revision, and the
ledger of deadline extensions. Writes go through ``egov.workdays.services``."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce


class CalendarRevision(models.Model):
    """The revision of the calendar ("phiên bản lịch"): one row, bumped in the same
    transaction as every change of an official decision or of office hours.

    ``number`` is what callers record next to a deadline they issue ("computed with
    calendar revision 7"); ``token`` changes with every bump, including bumps that
    were rolled back, and keys the in-process calendar cache."""

    number = models.PositiveIntegerField(default=0)
    token = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phiên bản lịch (calendar revision)"

    def __str__(self) -> str:
        return f"calendar revision {self.number}"


class OfficialDecision(models.Model):
    """An official decision on one day ("thông báo nghỉ lễ, hoán đổi ngày làm việc"):
    an extra day off, the day off of a swap, or a Saturday that becomes a working day.
    It overrides the rule-based calendar (Labor Code 2019 arts. 111-112) for that day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "Ngày nghỉ (day off)"
        WORKING_DAY = "working_day", "Ngày làm việc (working day)"

    day = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    name = models.CharField("tên / lý do", max_length=200)
    document = models.CharField(
        "văn bản",
        max_length=200,
        blank=True,
        help_text="Số hiệu văn bản công bố, ví dụ 'Thông báo số .../TB-BNV'.",
    )
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "quyết định nghỉ lễ / làm bù (official decision)"
        verbose_name_plural = "quyết định nghỉ lễ / làm bù (official decisions)"

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}: {self.name}"


class OfficeHours(models.Model):
    """Office hours ("giờ làm việc") of a province; the row without a province is the
    platform default. One working day is the total length of the two periods (8 hours
    by default)."""

    province = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="tỉnh (trống = mặc định)",
    )
    morning_start = models.TimeField("sáng từ", default=datetime.time(7, 30))
    morning_end = models.TimeField("sáng đến", default=datetime.time(11, 30))
    afternoon_start = models.TimeField("chiều từ", default=datetime.time(13, 30))
    afternoon_end = models.TimeField("chiều đến", default=datetime.time(17, 30))
    cutoff = models.TimeField(
        "mốc 15 giờ",
        default=datetime.time(15, 0),
        help_text="Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp "
        "theo (với thủ tục áp dụng quy định này).",
    )

    class Meta:
        verbose_name = "giờ làm việc (office hours)"
        verbose_name_plural = "giờ làm việc (office hours)"
        constraints = [
            # One row per province and one default row (NULL province counts once).
            models.UniqueConstraint(
                Coalesce("province", Value(0)), name="workdays_one_hours_per_province"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}-{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}-{self.afternoon_end:%H:%M}"
        )

    @property
    def periods(self) -> tuple[tuple[datetime.time, datetime.time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


class DeadlineExtension(models.Model):
    """The one extension of a deadline ("gia hạn, hẹn lại ngày trả kết quả", form 04,
    Decree 61/2018 art. 19): at most one per object, guarded by a unique constraint
    so that two concurrent requests cannot both succeed."""

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    original_due = models.DateTimeField()
    new_due = models.DateTimeField()
    reason = models.TextField()
    calendar_revision = models.PositiveIntegerField()
    granted_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"], name="workdays_one_extension_per_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}: {self.original_due} -> {self.new_due}"
