"""The sync state of each dossier with the national portal ("đồng bộ hồ sơ lên Cổng
Dịch vụ công quốc gia"): what was last sent, whether the portal has accepted the
dossier, the last error. Written by the outbox handler (``handlers``), read by the
admin and the monitor (``queries.provider_stats``)."""

from __future__ import annotations

from django.db import models

from egov.dossiers.models import Dossier


class SyncState(models.Model):
    """Sync state of one dossier ("trạng thái đồng bộ hồ sơ")."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="national_sync"
    )
    accepted = models.BooleanField("Cổng quốc gia đã nhận", default=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    last_status_sent = models.PositiveSmallIntegerField("trạng thái gửi gần nhất", null=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    last_message_id = models.CharField(max_length=80, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đồng bộ Cổng DVCQG (national portal sync)"
        verbose_name_plural = "đồng bộ Cổng DVCQG (national portal sync)"
        indexes = [
            models.Index(
                fields=["last_attempt_at"],
                condition=~models.Q(last_error=""),
                name="national_sync_failing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.last_status_sent} ({'ok' if self.accepted else '-'})"


class InboundDossier(models.Model):
    """A dossier filed on the national portal and delivered here ("hồ sơ tiếp nhận từ
    Cổng Dịch vụ công quốc gia"): its national id, unique, so that a delivery repeated
    by the portal finds the dossier already created instead of filing it twice."""

    national_id = models.CharField("mã hồ sơ trên Cổng quốc gia", max_length=60, unique=True)
    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="national_inbound"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    files = models.PositiveSmallIntegerField("số tệp đã tải", default=0)

    class Meta:
        verbose_name = "hồ sơ từ Cổng DVCQG (inbound dossier)"
        verbose_name_plural = "hồ sơ từ Cổng DVCQG (inbound dossiers)"

    def __str__(self) -> str:
        return self.national_id


class CataloguePull(models.Model):
    """What the last catalogue pull took from the national portal for one procedure
    ("thủ tục lấy từ Cơ sở dữ liệu quốc gia về TTHC"): a fingerprint of the national
    text, so that an unchanged procedure makes no new draft, and the draft made."""

    code = models.CharField("mã thủ tục", max_length=30, unique=True)
    fingerprint = models.CharField(max_length=64)
    version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pulled_at = models.DateTimeField()

    class Meta:
        verbose_name = "thủ tục lấy từ Cổng DVCQG (catalogue pull)"
        verbose_name_plural = "thủ tục lấy từ Cổng DVCQG (catalogue pulls)"

    def __str__(self) -> str:
        return self.code
