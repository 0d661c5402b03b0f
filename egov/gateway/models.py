"""The data-sharing gateway's registry ("nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh",
LGSP), in the X-Road style: members identified by instance / member class / member
code, their subsystems (the systems that call and answer), the services a subsystem
provides, and the access rights of client subsystems to services (deny by default).
Also the client secrets of the OAuth2 client-credentials flow (hashed) and one row
per proxied call (``Exchange``) that the monitor reads."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Member(models.Model):
    """A member ("thành viên"): an organisation, identified as X-Road does by its
    instance (``VN``), member class (``GOV``) and member code (the agency code)."""

    instance = models.CharField("instance", max_length=20, default="VN")
    member_class = models.CharField("lớp thành viên (member class)", max_length=20)
    code = models.CharField("mã thành viên (member code)", max_length=60)
    name = models.CharField("tên (name)", max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "member_class", "code"], name="gateway_member_id"
            )
        ]
        ordering = ["instance", "member_class", "code"]
        verbose_name = "thành viên (member)"
        verbose_name_plural = "thành viên (members)"

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    @property
    def identifier(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.code}"


class Subsystem(models.Model):
    """A subsystem ("hệ thống thành phần") of a member: the unit that is a client
    (calls services) and/or a provider (offers services). ``identifier`` is the full
    X-Road id ``instance/class/member/subsystem``, kept in one column so that a call
    is resolved by one indexed look-up."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subsystems")
    code = models.CharField("mã hệ thống (subsystem code)", max_length=60)
    name = models.CharField("tên (name)", max_length=255)
    identifier = models.CharField("định danh (identifier)", max_length=200, unique=True)
    is_active = models.BooleanField("đang hoạt động (active)", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="gateway_subsystem_code")
        ]
        ordering = ["identifier"]
        verbose_name = "hệ thống thành phần (subsystem)"
        verbose_name_plural = "hệ thống thành phần (subsystems)"

    def __str__(self) -> str:
        return self.identifier


class Service(models.Model):
    """A REST service ("dịch vụ") a provider subsystem offers through the gateway:
    calls to ``/gateway/r1/<provider id>/<code>/<path>`` go to ``base_url + path``."""

    provider = models.ForeignKey(Subsystem, on_delete=models.PROTECT, related_name="services")
    code = models.CharField("mã dịch vụ (service code)", max_length=60)
    name = models.CharField("tên (name)", max_length=255, blank=True)
    version = models.CharField("phiên bản (version)", max_length=20, blank=True)
    base_url = models.URLField("địa chỉ gốc (base URL)", max_length=500)
    openapi_url = models.URLField("mô tả OpenAPI, địa chỉ (OpenAPI URL)", blank=True)
    openapi_text = models.TextField("mô tả OpenAPI (OpenAPI description)", blank=True)
    outbox_topic = models.CharField(
        "tiền tố chủ đề outbox (outbox topic prefix)",
        max_length=100,
        blank=True,
        help_text="Các sự kiện outbox gửi tới dịch vụ này (the outbox topics delivered to it)",
    )
    is_active = models.BooleanField("đang hoạt động (active)", default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="gateway_service_code")
        ]
        ordering = ["provider__identifier", "code"]
        verbose_name = "dịch vụ (service)"
        verbose_name_plural = "dịch vụ (services)"

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return f"{self.provider.identifier}/{self.code}"


class AccessRight(models.Model):
    """Quyền truy cập: ``client`` may call ``service``. Without a row, the call is
    refused (deny by default)."""

    client = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="rights")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="rights")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "service"], name="gateway_access_right")
        ]
        verbose_name = "quyền truy cập (access right)"
        verbose_name_plural = "quyền truy cập (access rights)"

    def __str__(self) -> str:
        return f"{self.client_id} → {self.service_id}"


class ClientSecret(models.Model):
    """A client subsystem's OAuth2 client secret ("khoá bí mật"), hashed
    (``make_password``). Two may be active at once, so that a new one is deployed
    before the old one is revoked (rotation without downtime)."""

    subsystem = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="secrets")
    secret_hash = models.CharField(max_length=200)
    hint = models.CharField("gợi nhớ (hint)", max_length=12, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField("thu hồi lúc (revoked at)", null=True, blank=True)

    class Meta:
        ordering = ["subsystem_id", "-created_at"]
        verbose_name = "khoá bí mật (client secret)"
        verbose_name_plural = "khoá bí mật (client secrets)"

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.subsystem_id} …{self.hint} [{state}]"


class Exchange(models.Model):
    """One call through the proxy ("giao dịch"): who called what, the outcome and
    the time it took (to the provider's response headers). The monitor's source."""

    at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    service = models.CharField(max_length=260)
    message_id = models.CharField(max_length=100)
    user_id = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    latency_ms = models.FloatField()
    request_hash = models.CharField(max_length=60, blank=True)
    response_hash = models.CharField(max_length=60, blank=True)
    error_type = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["provider", "at"], name="gateway_exchange_provider"),
            models.Index(fields=["client", "at"], name="gateway_exchange_client"),
            models.Index(fields=["at"], name="gateway_exchange_at"),
        ]
        verbose_name = "giao dịch (exchange)"
        verbose_name_plural = "giao dịch (exchanges)"

    def __str__(self) -> str:
        return f"{self.message_id} {self.client} → {self.service} {self.status}"

    @property
    def failed(self) -> bool:
        return bool(self.error_type) or self.status >= 500
