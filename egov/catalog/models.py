"""Catalogue of administrative procedures ("thủ tục hành chính").

A ``Procedure`` is the stable identity (its national code, e.g. ``1.001193``). Its
content lives in ``ProcedureVersion`` rows: a procedure changes by publishing a new
version with an effective date; a published version is never edited again, so a
dossier that pins the version in force at reception keeps exactly what applied.
Drafts are invisible to the public and to reception (see ``queries``).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models

from egov.directory.models import Agency, Tier
from egov.directory.roles import Role


class TimeUnit(models.TextChoices):
    """Units of the working-day engine (egov.workdays)."""

    WORKING_DAYS = "working_days", "ngày làm việc (working days)"
    WORKING_HOURS = "working_hours", "giờ làm việc (working hours)"
    CALENDAR_DAYS = "calendar_days", "ngày (calendar days)"


class ServiceLevel(models.IntegerChoices):
    """Online service level of Decree 43/2011/NĐ-CP."""

    LEVEL_1 = 1, "Mức độ 1"
    LEVEL_2 = 2, "Mức độ 2"
    LEVEL_3 = 3, "Mức độ 3"
    LEVEL_4 = 4, "Mức độ 4"


class OnlineClass(models.TextChoices):
    """Online public service class of Decree 42/2022/NĐ-CP."""

    NONE = "", "Không trực tuyến (not online)"
    PARTIAL = "partial", "Một phần (partly online)"
    FULL = "full", "Toàn trình (fully online)"


class StepAction(models.TextChoices):
    FORWARD = "forward", "Chuyển bước tiếp (forward)"
    SEND_BACK = "send_back", "Trả lại bước trước (send back)"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung (request supplement)"
    CONSULT = "consult", "Xin ý kiến cơ quan khác (consult another agency)"
    APPROVE = "approve", "Phê duyệt (approve)"
    SIGN = "sign", "Ký số (sign)"
    RETURN_RESULT = "return_result", "Trả kết quả (return result)"


# Actions that move a dossier on to the next step of the workflow.
PROGRESSING_ACTIONS = frozenset({StepAction.FORWARD, StepAction.APPROVE, StepAction.SIGN})


class Field(models.Model):
    """Field ("lĩnh vực") of procedures, e.g. Hộ tịch (civil status)."""

    code = models.CharField("mã lĩnh vực", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = "lĩnh vực (field)"
        verbose_name_plural = "lĩnh vực (fields)"

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Administrative procedure ("thủ tục hành chính"): the stable identity, its
    national code. Everything that can change lives in ``ProcedureVersion``."""

    code = models.CharField("mã thủ tục", max_length=30, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "thủ tục hành chính (procedure)"
        verbose_name_plural = "thủ tục hành chính (procedures)"

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class VersionItems:
    """``ProcedureVersion.items``: its components by primary key (in order), the total
    of its fees (VND), the agencies named as competent and their ids, the competent
    tiers' ids."""

    components: dict[int, Component]
    fee_total: int
    agencies: tuple
    agency_ids: frozenset[int]
    tier_ids: frozenset[int]


class ProcedureVersion(models.Model):
    """One version ("phiên bản") of a procedure's definition.

    ``draft`` versions are edited freely and seen only by catalogue administrators;
    ``published`` versions are frozen and are in force from ``effective_from`` until
    the next published version's ``effective_from``; ``retired`` versions were
    withdrawn and are never in force again (dossiers that pinned them keep them)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp (draft)"
        PUBLISHED = "published", "Đã công bố (published)"
        RETIRED = "retired", "Đã thu hồi (retired)"

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("phiên bản số")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField("hiệu lực từ", null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    name = models.CharField("tên thủ tục", max_length=1000)
    search_text = models.CharField(max_length=1100, db_index=True, editable=False, default="")
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name="lĩnh vực"
    )
    tiers = models.ManyToManyField(
        Tier, blank=True, related_name="procedure_versions", verbose_name="cấp thực hiện"
    )
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="procedure_versions", verbose_name="cơ quan thực hiện"
    )
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    for_citizens = models.BooleanField("đối tượng: công dân", default=True)
    for_businesses = models.BooleanField("đối tượng: tổ chức, doanh nghiệp", default=False)
    channel_counter = models.BooleanField("nộp trực tiếp", default=True)
    channel_post = models.BooleanField("nộp qua bưu chính", default=False)
    channel_online = models.BooleanField("nộp trực tuyến", default=False)
    time_amount = models.DecimalField(
        "thời hạn giải quyết", max_digits=7, decimal_places=2, default=Decimal("0")
    )
    time_unit = models.CharField(
        max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    same_day = models.BooleanField("giải quyết trong ngày", default=False)
    cutoff_15h = models.BooleanField(
        "nhận sau 15 giờ chuyển sang ngày làm việc tiếp theo", default=False
    )
    service_level = models.PositiveSmallIntegerField(
        "mức độ DVC (NĐ 43/2011)", choices=ServiceLevel.choices, default=ServiceLevel.LEVEL_2
    )
    online_class = models.CharField(
        "DVC trực tuyến (NĐ 42/2022)",
        max_length=10,
        choices=OnlineClass.choices,
        blank=True,
        default=OnlineClass.NONE,
    )
    description = models.TextField("ghi chú", blank=True)
    # The procedure's own fields of an online application (egov.catalog.eform).
    form_fields = models.JSONField("trường thông tin của tờ khai", default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["procedure__code", "-number"]
        verbose_name = "phiên bản thủ tục (procedure version)"
        verbose_name_plural = "phiên bản thủ tục (procedure versions)"
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(effective_from__isnull=False),
                name="published_version_has_date",
            ),
        ]
        indexes = [models.Index(fields=["procedure", "status", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} - {self.name[:80]}"

    @property
    def code(self) -> str:
        return self.procedure.code

    @functools.cached_property
    def items(self) -> VersionItems:
        """What reception checks against, read once as plain values (from the
        prefetched rows when there are some). A published version never changes, so the
        catalogue cache keeps them with it; a draft being edited: read it again."""
        agencies = tuple(self.agencies.all())
        return VersionItems(
            components={c.pk: c for c in self.components.all()},
            fee_total=sum(f.amount for f in self.fees.all()),
            agencies=agencies,
            agency_ids=frozenset(a.pk for a in agencies),
            tier_ids=frozenset(t.pk for t in self.tiers.all()),
        )

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_inter_agency(self) -> bool:
        """A "liên thông" procedure: several agencies take part."""
        return any(True for _ in self.participants.all())

    @property
    def fully_online(self) -> bool:
        return self.online_class == OnlineClass.FULL or self.service_level == ServiceLevel.LEVEL_4

    @property
    def total_hours(self) -> Decimal | None:
        """The processing time in working hours, or None for calendar-day procedures
        (whose length in working hours depends on the holidays they span)."""
        if self.time_unit == TimeUnit.WORKING_DAYS:
            from egov.workdays.services import working_day_hours

            return self.time_amount * working_day_hours()
        if self.time_unit == TimeUnit.WORKING_HOURS:
            return self.time_amount
        return None


class CatalogEntry(models.Model):
    """A published version as the public catalogue lists it ("mục danh mục công
    khai"): derived from ``ProcedureVersion`` by ``services.refresh_catalog_entries``
    whenever a version is published or retired (never edited otherwise).

    It is in force from ``effective_from`` until the day before ``effective_until``
    (the next published version's date; empty: until replaced), so a version
    published to take effect tomorrow has its entry today but is not listed before
    its date, with no job to run at midnight. Drafts and retired versions have no
    entry, so the public search cannot show them. The table is narrow (a table scan
    of ``ProcedureVersion`` reads its long legal texts) and holds what the list shows,
    so a search is one query on one table (bench/bench_catalog.py). The date-based
    ``queries.in_force`` stays the source of truth; tests check that both agree."""

    version = models.OneToOneField(
        ProcedureVersion, on_delete=models.CASCADE, primary_key=True, related_name="entry"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=30)
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=1000)
    search_text = models.CharField(max_length=1100)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    field_code = models.CharField(max_length=40)
    field_name = models.CharField(max_length=255)
    # Tier codes between spaces (" commune district "), so that a tier filter is a
    # plain LIKE on this table.
    tier_codes = models.CharField(max_length=255, blank=True)
    time_amount = models.DecimalField(max_digits=7, decimal_places=2)
    time_unit = models.CharField(max_length=15, choices=TimeUnit.choices)
    same_day = models.BooleanField()
    service_level = models.PositiveSmallIntegerField(choices=ServiceLevel.choices)
    online_class = models.CharField(max_length=10, choices=OnlineClass.choices, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "mục danh mục công khai (catalogue entry)"
        verbose_name_plural = "mục danh mục công khai (catalogue entries)"
        # No index on code or dates on purpose: a search (LIKE '%word%') scans the
        # table anyway, and with such an index SQLite walks it and fetches every row
        # from the table, several times slower for a selective search.

    def __str__(self) -> str:
        return f"{self.code} v{self.number}"

    @property
    def tiers(self) -> list[str]:
        return self.tier_codes.split()

    @property
    def fully_online(self) -> bool:
        return self.online_class == OnlineClass.FULL or self.service_level == ServiceLevel.LEVEL_4


class Component(models.Model):
    """Dossier component ("thành phần hồ sơ")."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField("tên giấy tờ", max_length=1000)
    originals = models.PositiveSmallIntegerField("số bản chính", default=0)
    certified_copies = models.PositiveSmallIntegerField("số bản sao chứng thực", default=0)
    photocopies = models.PositiveSmallIntegerField("số bản photo", default=0)
    mandatory = models.BooleanField("bắt buộc", default=True)
    reusable = models.BooleanField("tái sử dụng từ hồ sơ trước", default=False)
    template = models.FileField(
        "mẫu đơn, tờ khai", upload_to="catalog/templates/", blank=True, max_length=255
    )

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = "thành phần hồ sơ (component)"
        verbose_name_plural = "thành phần hồ sơ (components)"

    def __str__(self) -> str:
        return self.name[:100]


class FeeItem(models.Model):
    """Fee or charge ("phí, lệ phí"). ``amount`` in VND (đồng)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField("tên phí, lệ phí", max_length=500)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    collector = models.CharField("cơ quan thu", max_length=255, blank=True)
    payable_online = models.BooleanField("thanh toán trực tuyến", default=False)
    collected_on_return = models.BooleanField(
        "thu khi trả kết quả",
        default=False,
        help_text="collected by the desk when the result is returned, not before",
    )
    note = models.CharField("ghi chú", max_length=1000, blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = "phí, lệ phí (fee)"
        verbose_name_plural = "phí, lệ phí (fees)"

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ"


class ResultDocument(models.Model):
    """Result of the procedure ("kết quả thực hiện"): a certificate, a licence..."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField("tên kết quả", max_length=500)
    code = models.CharField("mã kết quả", max_length=40, blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = "kết quả (result document)"
        verbose_name_plural = "kết quả (result documents)"

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """Agency taking part in an inter-agency ("liên thông") procedure: the lead agency
    and the participants, each one's task and share of the processing time
    (``time_share``, in the procedure's time unit)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="participants"
    )
    order = models.PositiveSmallIntegerField(default=1)
    is_lead = models.BooleanField("cơ quan chủ trì", default=False)
    agency_name = models.CharField("cơ quan", max_length=255)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = models.CharField("nhiệm vụ", max_length=1000, blank=True)
    time_share = models.DecimalField(
        "thời gian", max_digits=7, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = "cơ quan phối hợp liên thông (participant)"
        verbose_name_plural = "cơ quan phối hợp liên thông (participants)"

    def __str__(self) -> str:
        return self.agency_name


class Workflow(models.Model):
    """Internal workflow ("quy trình nội bộ") of a procedure version at one
    implementing agency. ``agency`` empty: the workflow used by every implementing
    agency of ``tier`` (or of every tier when ``tier`` is empty too) that has no
    workflow of its own."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="workflows"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version_id", "id"]
        verbose_name = "quy trình nội bộ (workflow)"
        verbose_name_plural = "quy trình nội bộ (workflows)"

    def __str__(self) -> str:
        where = self.agency or self.tier or "mặc định"
        return f"{self.version.procedure.code} v{self.version.number} @ {where}"


class WorkflowStep(models.Model):
    """One step of an internal workflow: who does it, in how many working hours and
    what they may do there."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField("tên bước", max_length=255)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    department = models.CharField("phòng, bộ phận", max_length=255, blank=True)
    hours = models.DecimalField("thời gian (giờ làm việc)", max_digits=7, decimal_places=2)
    actions = models.JSONField("thao tác được phép", default=list)
    is_final = models.BooleanField("bước cuối", default=False)

    class Meta:
        ordering = ["workflow_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "order"], name="workflow_step_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ImportJob(models.Model):
    """A catalogue import started from the web, processed by a background task;
    its page shows a progress bar from ``done`` / ``total``."""

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        RUNNING = "running", "Đang nhập"
        DONE = "done", "Hoàn thành"
        FAILED = "failed", "Có lỗi, không nhập gì"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, default="catalog")  # catalog | portal
    file = models.FileField(upload_to="catalog/imports/")
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    phase = models.CharField(max_length=10, blank=True)  # reading | checking | writing
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
