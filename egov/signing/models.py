"""Keys, certificates, trust and signed results of the signing app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from egov.directory.models import Agency
from egov.dossiers.models import Dossier, ResultFile


class TrustedCertificate(models.Model):
    """A trust root ("chứng thư số gốc tin cậy") or an intermediate CA certificate that
    the province administrator configured. Only roots are trust anchors; the
    intermediates help build chains."""

    name = models.CharField("tên", max_length=255)
    der = models.BinaryField()
    is_root = models.BooleanField(default=True)
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "chứng thư tin cậy (trusted certificate)"
        verbose_name_plural = "chứng thư tin cậy (trusted certificates)"

    def __str__(self) -> str:
        return self.name


class RevocationList(models.Model):
    """A CRL ("danh sách chứng thư số bị thu hồi") of a configured CA."""

    issuer = models.CharField(max_length=500)
    der = models.BinaryField()
    next_update = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "danh sách thu hồi (CRL)"
        verbose_name_plural = "danh sách thu hồi (CRLs)"

    def __str__(self) -> str:
        return self.issuer


class Credential(models.Model):
    """A signing key with its certificate ("chứng thư số ký"): an officer's personal one
    or an agency's seal ("con dấu"). PKCS#12 files are kept as uploaded, encrypted by
    their passphrase, which is never stored in plain text: an officer types it at each
    signature; a seal's is kept sealed (AES-GCM) with ``EGOV_SIGNING_KEY``, a key outside
    the database. A PKCS#11 token keeps its key; only its module, token and key label
    are here (its PIN likewise sealed for a seal, typed for a person)."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "Chữ ký cá nhân (personal signature)"
        SEAL = "seal", "Con dấu cơ quan (organisation seal)"

    class Backend(models.TextChoices):
        PKCS12 = "pkcs12", "Tệp PKCS#12"
        PKCS11 = "pkcs11", "Token / HSM (PKCS#11)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    backend = models.CharField(max_length=10, choices=Backend.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_credentials",
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="signing_credentials")
    pkcs12 = models.BinaryField(blank=True, default=b"")
    pkcs11_module = models.CharField(max_length=255, blank=True)
    pkcs11_token = models.CharField(max_length=64, blank=True)
    pkcs11_key_label = models.CharField(max_length=64, blank=True)
    sealed_secret = models.BinaryField(blank=True, default=b"")
    certificate = models.BinaryField()  # DER
    chain = models.BinaryField(blank=True, default=b"")  # DER certificates, each length-prefixed
    subject = models.CharField(max_length=500)
    common_name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=100, blank=True)
    serial = models.CharField(max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    image = models.BinaryField(blank=True, default=b"")  # the signer's image (PNG)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "chứng thư số ký (signing credential)"
        verbose_name_plural = "chứng thư số ký (signing credentials)"
        indexes = [models.Index(fields=["agency", "kind", "active"], name="credential_agency_kind")]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.get_kind_display()})"


class SignedResult(models.Model):
    """An electronic result signed digitally ("kết quả điện tử đã ký số"): the PDF
    stored as one of the dossier's result files, with its SHA-256 so that anyone can
    check that a file is the one registered for its dossier code."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="signed_results")
    result_file = models.OneToOneField(ResultFile, on_delete=models.CASCADE, related_name="signed")
    sha256 = models.CharField(max_length=64, db_index=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    personal = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="+")
    seal = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    level = models.CharField(max_length=10)  # PAdES B-B ... B-LTA
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "kết quả điện tử đã ký số (signed result)"
        verbose_name_plural = "kết quả điện tử đã ký số (signed results)"
        indexes = [models.Index(fields=["dossier", "-signed_at"], name="signed_dossier_time")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.sha256[:12]}"


class Batch(models.Model):
    """One batch signature by a leader ("ký số hàng loạt"): each item is signed or not
    on its own, never half."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "lượt ký hàng loạt (signing batch)"
        verbose_name_plural = "lượt ký hàng loạt (signing batches)"


class BatchItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        SIGNED = "signed", "Đã ký"
        FAILED = "failed", "Không ký được"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    error_code = models.CharField(max_length=60, blank=True)
    message = models.CharField(max_length=500, blank=True)
    message_en = models.CharField(max_length=500, blank=True)
    signed = models.ForeignKey(
        SignedResult, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["batch", "id"]
