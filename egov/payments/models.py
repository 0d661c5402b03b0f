"""Fees collected on dossiers ("thu phí, lệ phí") and their receipts ("biên lai").

A payment is recorded once and never changed: a mistake is corrected by a new entry
(a later issue adds refunds and the e-invoice of Decree 123/2020/NĐ-CP). Amounts are
VND (đồng) as integers. The online-payment issue adds its channel to ``Method``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from egov.directory.models import Agency
from egov.dossiers.models import Dossier


class Method(models.TextChoices):
    CASH = "cash", "Tiền mặt (cash)"
    TRANSFER = "transfer", "Chuyển khoản (bank transfer)"
    EXEMPT = "exempt", "Miễn nộp (exempted)"


class Payment(models.Model):
    """A fee paid (or exempted) at the counter, with its receipt number ("số biên lai")."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="collecting agency"
    )
    receipt_number = models.CharField("số biên lai", max_length=20)
    method = models.CharField("hình thức", max_length=10, choices=Method.choices)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    payer_name = models.CharField("người nộp", max_length=255)
    reference = models.CharField("số giao dịch chuyển khoản", max_length=100, blank=True)
    exemption_reason = models.CharField("lý do miễn", max_length=1000, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dossier_id", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "receipt_number"], name="payment_receipt_unique"
            )
        ]
        verbose_name = "khoản thu phí, lệ phí (payment)"
        verbose_name_plural = "khoản thu phí, lệ phí (payments)"

    def __str__(self) -> str:
        return f"{self.receipt_number}: {self.amount:,} đ"


class ReceiptCounter(models.Model):
    """The last receipt number of an agency in a year: numbers run 000001, 000002...
    without gaps, taken under the row's lock."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipt_counter_unique")
        ]
