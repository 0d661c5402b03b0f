"""Fees collected on dossiers ("thu phí, lệ phí") and their receipts ("biên lai").

A payment is recorded once and never changed: a mistake is corrected by a new entry
(a later issue adds refunds and the e-invoice of Decree 123/2020/NĐ-CP). Amounts are
VND (đồng) as integers. An online payment ("thanh toán trực tuyến") is tried as
``OnlineTransaction`` rows (one per attempt) and, once the platform confirms it,
becomes a ``Payment`` like the desk's, with the same receipt number series.
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
    ONLINE = "online", "Trực tuyến (online payment)"


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


class TransactionState(models.TextChoices):
    PENDING = "pending", "Đang chờ xác nhận (pending)"
    SUCCEEDED = "succeeded", "Thành công (succeeded)"
    FAILED = "failed", "Không thành công (failed)"
    # Money taken for a fee that was no longer owed (paid at the desk meanwhile):
    # final, for the desk to settle by hand (refunds are a later issue).
    REVIEW = "review", "Cần đối soát (to review)"


class OnlineTransaction(models.Model):
    """One attempt to pay a dossier's fees online ("giao dịch thanh toán trực tuyến"):
    our reference (``MaThamChieu``), the platform's number (``MaGiaoDich``), its state
    and the raw callback and status answer as received."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="online_transactions"
    )
    reference = models.CharField("mã tham chiếu (MaThamChieu)", max_length=60, unique=True)
    provider = models.CharField(max_length=20)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    currency = models.CharField(max_length=3, default="VND")
    state = models.CharField(
        max_length=10, choices=TransactionState.choices, default=TransactionState.PENDING
    )
    platform_id = models.CharField("mã giao dịch (MaGiaoDich)", max_length=60, blank=True)
    pay_url = models.URLField(max_length=1000, blank=True)
    code = models.CharField("mã kết quả của nền tảng", max_length=10, blank=True)
    callback = models.JSONField("thông báo kết quả (raw)", default=dict, blank=True)
    status_answer = models.JSONField("trả lời tra cứu (raw)", default=dict, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="online"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "created_at", "id"]
        constraints = [
            # One attempt at a time: a second click reuses it (services.start_online_payment).
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(state="pending"),
                name="online_transaction_one_pending",
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="online_transaction_state")]
        verbose_name = "giao dịch thanh toán trực tuyến (online transaction)"
        verbose_name_plural = "giao dịch thanh toán trực tuyến (online transactions)"

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount:,} đ ({self.state})"
