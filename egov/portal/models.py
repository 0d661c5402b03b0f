"""What the citizen portal keeps of its own: online applications being filled in
(``Application``, a server-side draft with its files, so that it resumes on another
device with its uploads intact) and the applicant's rating of a returned dossier
(``Rating``, Circular 01/2018 arts. 12-15)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from egov.catalog.models import Component, Procedure
from egov.core import files
from egov.directory.models import Agency
from egov.dossiers.models import Dossier


class Delivery(models.TextChoices):
    """How the applicant wants the result, chosen when applying (Decree 43/2011 level 4:
    online or by post; or at the counter)."""

    ONLINE = "online", "Nhận kết quả điện tử trên Cổng (download)"
    POST = "post", "Nhận qua bưu chính (post)"
    COUNTER = "counter", "Nhận trực tiếp tại Bộ phận Một cửa (counter)"


class Application(models.Model):
    """An online application ("hồ sơ trực tuyến") while the applicant fills it in, and
    after: ``dossier`` is set, exactly once, by the submission. ``data`` holds what was
    typed (applicant, request content, delivery), saved at every step."""

    STEPS = ("nguoi-nop", "thong-tin", "giay-to", "phi", "xem-lai")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    dossier = models.OneToOneField(
        Dossier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "submitted_at"], name="application_owner_open"),
        ]

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


def application_file_name(instance: ApplicationFile, filename: str) -> str:
    return files.storage_name("portal", instance.content_type)


class ApplicationFile(models.Model):
    """The file chosen for one component of an application: checked by its content
    when it came, kept with the application until submission (the dossier then holds
    its own copy), read back only by the owner."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=application_file_name, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    reused_from = models.ForeignKey(
        "dossiers.DossierComponent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "component"], name="application_file_component"
            )
        ]


class Score(models.IntegerChoices):
    """The 2/1/0 scale of Circular 01/2018 art. 13."""

    GOOD = 2, "2"
    FAIR = 1, "1"
    POOR = 0, "0"


class Rating(models.Model):
    """The applicant's evaluation of one returned dossier: the Circular 01/2018
    indicators a citizen answers (art. 13: total time, number of contacts, number of
    bodies contacted, staff attitude), each scored 2/1/0, and a comment. One per
    dossier; read by the reports."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    total_time = models.PositiveSmallIntegerField(
        choices=Score.choices, validators=[MaxValueValidator(2)]
    )
    contacts = models.PositiveSmallIntegerField(
        choices=Score.choices, validators=[MaxValueValidator(2)]
    )
    bodies = models.PositiveSmallIntegerField(
        choices=Score.choices, validators=[MaxValueValidator(2)]
    )
    attitude = models.PositiveSmallIntegerField(
        choices=Score.choices, validators=[MaxValueValidator(2)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_time__lte=2)
                & models.Q(contacts__lte=2)
                & models.Q(bodies__lte=2)
                & models.Q(attitude__lte=2),
                name="rating_scores_0_to_2",
            )
        ]

    @property
    def total(self) -> int:
        return self.total_time + self.contacts + self.bodies + self.attitude
