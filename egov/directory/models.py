"""Directory: agencies ("cơ quan, đơn vị"), departments ("phòng, ban"), officers
("cán bộ, công chức") and applicant accounts (citizens, businesses)."""

from __future__ import annotations

import datetime
import functools

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from egov.directory.roles import ADMIN_ROLES, Role


class Tier(models.Model):
    """Administrative tier ("cấp"): province, department, district, commune... Data, not
    code, because the 2025 reform removed the district tier."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(
        help_text="1 = highest (province); larger numbers are lower tiers."
    )

    class Meta:
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> AgencyQuerySet:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on)
        )

    def subtree_of(self, agency: Agency) -> AgencyQuerySet:
        return self.filter(path__startswith=agency.path)


class Agency(models.Model):
    """Agency ("cơ quan, đơn vị") with its QCVN 102:2016 identifier.

    Effective-dated: an agency abolished or merged in a reorganisation gets a
    ``valid_to`` date and a ``successor``; its rows stay so that old dossiers and
    documents keep their original agency and code (DOMAIN.md section 0).
    ``path`` is the materialised chain of ancestor ids (``/1/7/42/``) so that a
    scope check on a whole subtree is one indexed prefix match.
    """

    code = models.CharField("mã định danh (QCVN 102:2016)", max_length=13, unique=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=30, blank=True)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="agencies")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    valid_from = models.DateField("hiệu lực từ", default=datetime.date(2000, 1, 1))
    valid_to = models.DateField("hết hiệu lực", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="cơ quan kế thừa",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "cơ quan (agency)"
        verbose_name_plural = "cơ quan (agencies)"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def root_id(self) -> int | None:
        ids = self.ancestor_ids
        return ids[0] if ids else self.pk

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to > on)


class Department(models.Model):
    """Department ("phòng, ban") inside an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="department_code_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account. Officers work in the back office; citizens and businesses apply.
    The two kinds never mix: an officer account cannot apply and an applicant
    account has no agency."""

    class Kind(models.TextChoices):
        OFFICER = "officer", "Cán bộ (Officer)"
        CITIZEN = "citizen", "Công dân (Citizen)"
        BUSINESS = "business", "Doanh nghiệp, tổ chức (Business)"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_officer(self) -> bool:
        return self.kind == self.Kind.OFFICER

    @functools.cached_property
    def officer_or_none(self) -> Officer | None:
        """The officer record with its agency and roles, read once per user object
        (every access check of a request needs all three)."""
        return Officer.with_agency_and_roles(self) if self.is_officer else None

    @property
    def role_set(self) -> frozenset[str]:
        """The officer's roles, read once per user object (one request)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            officer = self.officer_or_none
            cached = frozenset(officer.role_codes()) if officer else frozenset()
            self._role_cache = cached
        return cached

    @property
    def requires_second_factor(self) -> bool:
        return self.is_superuser or bool(self.role_set & ADMIN_ROLES)

    @property
    def is_province_admin(self) -> bool:
        """The platform operator or a province administrator: configures what the whole
        province shares (the signing trust, for one)."""
        return self.is_superuser or Role.PROVINCE_ADMIN in self.role_set


class Officer(models.Model):
    """Officer ("cán bộ, công chức, viên chức"): an account working for one agency."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="officer")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="officers"
    )
    position = models.CharField("chức vụ", max_length=100, blank=True)

    class Meta:
        ordering = ["agency_id", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency.short_name or self.agency.name})"

    @classmethod
    def with_agency_and_roles(cls, user: User) -> Officer | None:
        """The officer record of ``user`` with its agency (one query) and role codes
        (another)."""
        # No ``first()``: the model's ordering would join the users table to sort one row.
        officer = next(
            iter(cls.objects.select_related("agency").filter(user=user).order_by()[:1]), None
        )
        if officer is not None:
            officer.user = user
            officer.known_roles = list(officer.roles.order_by("id").values_list("role", flat=True))
        return officer

    def role_codes(self) -> list[str]:
        known = getattr(self, "known_roles", None)
        if known is not None:
            return list(known)
        return [r.role for r in self.roles.all()]  # prefetched ones when prefetched


class OfficerRole(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "role"], name="unique_role")]

    def __str__(self) -> str:
        return self.get_role_display()


class ApplicantProfile(models.Model):
    """Profile of a citizen ("công dân") or business ("tổ chức, doanh nghiệp") account.
    ``id_number`` is personal data: reading it through a service is audited."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="applicant")
    id_number = models.CharField("số CCCD", max_length=12, blank=True)
    tax_code = models.CharField("mã số thuế", max_length=14, blank=True)
    organisation_name = models.CharField(max_length=255, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=255, blank=True)

    class Meta:
        # The desk's counter look-up finds an account by the whole ID number.
        indexes = [models.Index(fields=["id_number"], name="applicant_id_number")]

    def __str__(self) -> str:
        return str(self.user)


class SsoIdentity(models.Model):
    """An identity of the national single sign-on ("tài khoản định danh điện tử")
    linked to an applicant account: the provider (``issuer``) and its stable subject
    (``sub``). ``acr`` is the level of assurance of the last login (LoA1, LoA2); while
    a link exists, the profile's identity fields come from the provider."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    acr = models.CharField("mức độ bảo đảm xác thực", max_length=20, blank=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
