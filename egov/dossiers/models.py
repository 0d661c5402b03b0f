"""One-stop-shop dossiers ("hồ sơ thủ tục hành chính").

A dossier pins the procedure version in force when it was received, keeps the
agencies it was received and processed by (their codes never change afterwards, even
after a reorganisation), a snapshot of the applicant, the components handed in, the
deadlines computed by the working-day engine, and its full history (``DossierEvent``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from egov.catalog.models import Component, ProcedureVersion, WorkflowStep
from egov.core import files
from egov.directory.models import Agency
from egov.dossiers.lifecycle import NATIONAL_CODE, OPEN_STATES, Status


class Channel(models.TextChoices):
    COUNTER = "counter", "Trực tiếp (at the counter)"
    POST = "post", "Bưu chính công ích (by post)"
    ONLINE = "online", "Trực tuyến (online)"


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", "Công dân (citizen)"
    BUSINESS = "business", "Tổ chức, doanh nghiệp (business)"


class Outcome(models.TextChoices):
    NONE = "", "Chưa có"
    APPROVED = "approved", "Giải quyết (approved)"
    REFUSED = "refused", "Từ chối giải quyết (refused)"


class DossierCounter(models.Model):
    """Daily sequence of dossier codes per receiving agency (Circular 01/2018 art. 19).
    Incremented with one upsert in the reception transaction: unique and gap-free."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_agency_day")
        ]


class Dossier(models.Model):
    """Dossier ("hồ sơ"): one application for one procedure."""

    code = models.CharField("mã hồ sơ", max_length=30, unique=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers"
    )
    # Indexed by the queue indexes below, which start with these columns.
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="received_dossiers", db_index=False
    )
    processing_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="processed_dossiers", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=25, choices=Status.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")

    # Applicant ("chủ hồ sơ"), as declared on this dossier.
    applicant_type = models.CharField(
        max_length=10, choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_name = models.CharField("họ tên / tên tổ chức", max_length=255)
    # The name as the search reads it (``catalog.text.normalise``: lower case, no
    # diacritics), written with the name. On PostgreSQL a trigram GIN index (migration
    # 0008_search_text) answers "part of the name" searches without a table scan.
    applicant_search = models.CharField(
        "họ tên (khóa tìm kiếm)", max_length=255, blank=True, default="", editable=False
    )
    # Searched by the whole number only: a plain index (``dossier_id_number``), without
    # the pattern index Django adds to ``db_index`` text columns for LIKE.
    applicant_id_number = models.CharField("số CCCD", max_length=12, blank=True)
    applicant_tax_code = models.CharField("mã số thuế", max_length=14, blank=True)
    applicant_birth_date = models.DateField(null=True, blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)
    applicant_province = models.CharField("tỉnh/thành phố", max_length=100, blank=True)
    applicant_ward = models.CharField("phường/xã", max_length=100, blank=True)
    applicant_phone = models.CharField(max_length=20, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    summary = models.CharField("trích yếu", max_length=1000, blank=True)
    # What the applicant filled in the procedure's own fields (egov.catalog.eform).
    form_data = models.JSONField("thông tin tờ khai", default=dict, blank=True)
    sets = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)

    fee_due = models.PositiveBigIntegerField("phí, lệ phí phải nộp (đồng)", default=0)
    fee_paid = models.PositiveBigIntegerField("đã nộp (đồng)", default=0)
    fee_exempted = models.PositiveBigIntegerField("được miễn (đồng)", default=0)

    # Times. ``due_at`` is the appointment date on form 01 (or the single new date
    # of form 04); ``original_due_at`` keeps the first one.
    submitted_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True)
    processing_received_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    original_due_at = models.DateTimeField(null=True, blank=True)
    calendar_revision = models.PositiveIntegerField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)

    # Internal workflow.
    current_step = models.ForeignKey(
        WorkflowStep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # dossier_current_step, without the dossiers that have none
    )
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        db_index=False,  # dossier_assignee_set starts with it
    )

    # Optimistic concurrency: every change increments it (ETag / If-Match).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        # The officers' queues (queries.queue_filters): each part of a queue is one
        # agency column, one status (or every open status) and the due-date order, read
        # from one of these indexes in order and stopped after a page. The processing
        # indexes carry the receiving agency (parts "processed here, received elsewhere"),
        # the step and the assignee (the "to process" queue), so that counting a part
        # needs no table access (PostgreSQL; SQLite ignores INCLUDE).
        indexes = [
            models.Index(
                fields=["processing_agency", "status", "due_at", "id"],
                include=["receiving_agency", "current_step", "assignee"],
                name="dossier_queue_processing",
            ),
            models.Index(
                fields=["receiving_agency", "status", "due_at", "id"],
                name="dossier_queue_receiving",
            ),
            models.Index(
                fields=["receiving_agency", "due_at", "id"],
                condition=models.Q(status__in=sorted(OPEN_STATES)),
                name="dossier_open_receiving",
            ),
            models.Index(
                fields=["processing_agency", "due_at", "id"],
                include=["receiving_agency"],
                condition=models.Q(status__in=sorted(OPEN_STATES)),
                name="dossier_open_processing",
            ),
            # A dossier has no step nor assignee until it is received (every online
            # submission): these indexes hold only those that have one (the key
            # checks and the look-ups by step or assignee name one).
            models.Index(
                fields=["assignee", "status"],
                condition=models.Q(assignee__isnull=False),
                name="dossier_assignee_set",
            ),
            models.Index(
                fields=["current_step"],
                condition=models.Q(current_step__isnull=False),
                name="dossier_current_step",
            ),
            # "Hồ sơ của tôi" (portal.queries.my_dossiers): a person's dossiers, newest
            # first, a page at a time, read in order from here.
            models.Index(
                fields=["applicant_user", "-submitted_at", "-id"],
                condition=models.Q(applicant_user__isnull=False),
                name="dossier_applicant_recent",
            ),
            models.Index(fields=["applicant_id_number"], name="dossier_id_number"),
            models.Index(fields=["applicant_phone"], name="dossier_phone"),
            # Search by tax code (queries.search); most dossiers are citizens' and have
            # none, so the index only holds businesses' dossiers.
            models.Index(
                fields=["applicant_tax_code"],
                condition=~models.Q(applicant_tax_code=""),
                opclasses=["varchar_pattern_ops"],  # also for a prefix (PostgreSQL)
                name="dossier_tax_code",
            ),
        ]
        verbose_name = "hồ sơ (dossier)"
        verbose_name_plural = "hồ sơ (dossiers)"

    def __str__(self) -> str:
        return self.code

    @property
    def fee_outstanding(self) -> int:
        """Fees still owed (đồng): due, less paid, less exempted."""
        return max(self.fee_due - self.fee_paid - self.fee_exempted, 0)

    @property
    def national_status(self) -> int:
        return NATIONAL_CODE[self.status]


def component_file_name(instance: DossierComponent, filename: str) -> str:
    """Where a component's scan is stored: a random name with the extension of the type
    its content was found to be (``content_type``); the client's name is kept apart
    (``original_name``)."""
    return files.storage_name("dossiers", instance.content_type)


def result_file_name(instance: ResultFile, filename: str) -> str:
    return files.storage_name("results", instance.content_type)


class DossierComponent(models.Model):
    """A component ("thành phần hồ sơ") handed in, with its scanned file if any. The
    file is read only through ``dossiers:component_file`` (access policy and audit)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(
        Component, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=1000)
    originals = models.PositiveSmallIntegerField(default=0)
    certified_copies = models.PositiveSmallIntegerField(default=0)
    photocopies = models.PositiveSmallIntegerField(default=0)
    provided = models.BooleanField(default=True)
    file = models.FileField(upload_to=component_file_name, blank=True, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)  # the client's, cleaned
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    supplement_round = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dossier_id", "id"]


class DossierEvent(models.Model):
    """One entry of the dossier's history ("quá trình xử lý"); also the rows of
    form 05 (process control sheet)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=25, blank=True)
    to_status = models.CharField(max_length=25, blank=True)
    step_name = models.CharField(max_length=255, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier_id", "at", "id"]


class Consultation(models.Model):
    """A request for the opinion of another agency ("xin ý kiến"), with its deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consultations")
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    @property
    def overdue(self) -> bool:
        end = self.answered_at or timezone.now()
        return end > self.due_at


class DossierTask(models.Model):
    """One agency's part of an inter-agency ("liên thông") dossier: the lead agency and
    each participant, with its task and deadline. Each agency sees its own part; the
    receiving desk sees them all."""

    class State(models.TextChoices):
        OPEN = "open", "Đang xử lý"
        DONE = "done", "Đã xong"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="tasks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossier_tasks")
    is_lead = models.BooleanField(default=False)
    task = models.CharField(max_length=1000, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=5, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    result_note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier_id", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "agency"], name="dossier_task_agency")
        ]


class ResultFile(models.Model):
    """A result document ("kết quả giải quyết") stored with the dossier, read only
    through ``dossiers:result_file``."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="result_files")
    name = models.CharField(max_length=500)
    file = models.FileField(upload_to=result_file_name, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)  # the client's, cleaned
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)


def staged_file_name(instance: StagedUpload, filename: str) -> str:
    return files.storage_name("staged", instance.content_type)


class StagedUpload(models.Model):
    """A scan chosen in the reception form that was sent back (a missing field, a
    warning to confirm): kept server-side so that the officer does not choose it again,
    and used when the form is sent again (``services.staging``). Only its owner can use
    it; it is deleted once used, and a day later if never used."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=staged_file_name, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"], name="staged_owner_created")]
        verbose_name = "tệp tạm khi tiếp nhận (staged upload)"
        verbose_name_plural = "tệp tạm khi tiếp nhận (staged uploads)"

    def __str__(self) -> str:
        return self.original_name
