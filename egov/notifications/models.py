"""Notifications to the applicant ("thông báo cho tổ chức, cá nhân"): one record per
outbox event, channel and recipient, written before the message is handed to the
SMTP server or the SMS gateway and marked sent after (``services.deliver``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from egov.core.models import OutboxEvent
from egov.dossiers.models import Dossier


class Channel(models.TextChoices):
    EMAIL = "email", "Thư điện tử (e-mail)"
    SMS = "sms", "Tin nhắn (SMS)"


class Kind(models.TextChoices):
    SUBMITTED = "submitted", "Đã nhận hồ sơ trực tuyến (online submission received)"
    RECEIVED = "received", "Đã tiếp nhận (received)"
    SUPPLEMENT = "supplement", "Yêu cầu bổ sung (supplement requested)"
    FEE_DUE = "fee_due", "Nghĩa vụ tài chính (fee due)"
    RESULT_READY = "result_ready", "Có kết quả (result ready)"
    RETURNED = "returned", "Đã trả kết quả (returned)"
    NOT_RECEIVED = "not_received", "Từ chối tiếp nhận (not received)"
    REFUSED = "refused", "Từ chối giải quyết (refused)"
    APOLOGY = "apology", "Xin lỗi, hẹn lại ngày trả (apology, new date)"
    WITHDRAWN = "withdrawn", "Rút hồ sơ (withdrawn)"
    STOPPED = "stopped", "Dừng xử lý (stopped)"


class Notification(models.Model):
    """One message to the applicant about one change of a dossier, on one channel."""

    class State(models.TextChoices):
        # Handed to the server or gateway, no answer recorded yet: a retry sends again
        # with the same reference (see docs/notifications.md).
        SENDING = "sending", "Đang gửi (sending)"
        FAILED = "failed", "Gửi lỗi, sẽ gửi lại (failed, retried)"
        SENT = "sent", "Đã gửi (sent)"

    # The key of "once". Should old delivered events ever be purged, their records stay
    # (without the link): a purged event is never retried, so it cannot send again.
    event = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField("người nhận", max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    # The Message-ID of the e-mail, the client reference of the SMS: the same on every
    # attempt, so that a retried message can be recognised downstream.
    reference = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveIntegerField(default=0)
    tried_at = models.DateTimeField(null=True, blank=True)  # the last attempt started
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"], name="notification_once"
            )
        ]
        indexes = [models.Index(fields=["dossier", "created_at"], name="notification_dossier")]
        verbose_name = "thông báo (notification)"
        verbose_name_plural = "thông báo (notifications)"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.channel} / {self.dossier_id}"
