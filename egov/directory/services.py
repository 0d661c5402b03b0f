"""Writes to the directory. Each function takes ``actor=``, checks the access policy
and the rules, writes in one transaction and appends an audit entry."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from egov.core import audit
from egov.core.errors import NotPermitted
from egov.core.permissions import SYSTEM, Action, permits_any, require, scope
from egov.directory import rules
from egov.directory.models import (
    Agency,
    ApplicantProfile,
    Department,
    Officer,
    OfficerRole,
    Tier,
    User,
)

AGENCY_FIELDS = [
    "code",
    "name",
    "short_name",
    "tier",
    "parent",
    "address",
    "valid_from",
    "valid_to",
    "successor",
]


def _require_parent_admin(actor: Any, parent: Agency | None) -> None:
    if parent is None:
        # A new root (a province) can only be created by the platform operator.
        if not getattr(actor, "is_superuser", False):
            from egov.core.errors import NotPermitted

            raise NotPermitted(action="administer")
    else:
        require(actor, Action.ADMINISTER, parent)


def _path(agency: Agency) -> str:
    return f"{agency.parent.path if agency.parent else '/'}{agency.pk}/"


@transaction.atomic
def create_agency(
    *,
    actor: Any,
    code: str,
    name: str,
    tier: Tier,
    parent: Agency | None = None,
    short_name: str = "",
    address: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    successor: Agency | None = None,
) -> Agency:
    _require_parent_admin(actor, parent)
    code = (code or "").strip()
    rules.check_agency_code(code)
    rules.check_required(name, "name", "tên cơ quan", "Agency name")
    rules.check_agency_code_free(code)
    valid_from = valid_from or datetime.date(2000, 1, 1)
    rules.check_validity(valid_from, valid_to)
    agency = Agency.objects.create(
        code=code,
        name=name.strip(),
        short_name=short_name.strip(),
        tier=tier,
        parent=parent,
        address=address,
        valid_from=valid_from,
        valid_to=valid_to,
        successor=successor,
    )
    agency.path = _path(agency)
    agency.save(update_fields=["path"])
    audit.record(
        actor=actor,
        action="agency.create",
        obj=agency,
        agency_id=agency.pk,
        changes={"after": audit.snapshot(agency, AGENCY_FIELDS)},
    )
    return agency


@transaction.atomic
def update_agency(*, actor: Any, agency: Agency, **changes: Any) -> Agency:
    """Change an agency's fields. Moving it under another parent moves its subtree."""
    require(actor, Action.CHANGE, agency)
    unknown = set(changes) - set(AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"unknown agency fields: {sorted(unknown)}")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = audit.snapshot(agency, AGENCY_FIELDS)
    if "code" in changes and changes["code"] != agency.code:
        rules.check_agency_code(changes["code"])
        rules.check_agency_code_free(changes["code"], exclude_pk=agency.pk)
    if "name" in changes:
        rules.check_required(changes["name"], "name", "tên cơ quan", "Agency name")
    if "parent" in changes and changes["parent"] != agency.parent:
        rules.check_parent_not_cycle(agency.pk, changes["parent"])
        _require_parent_admin(actor, changes["parent"])
    if "successor" in changes:
        rules.check_successor(agency.pk, changes["successor"])
    for field, value in changes.items():
        setattr(agency, field, value)
    rules.check_validity(agency.valid_from, agency.valid_to)
    old_path, agency.path = agency.path, _path(agency)
    agency.save()
    if old_path != agency.path:
        subtree = list(Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk))
        for unit in subtree:
            unit.path = agency.path + unit.path[len(old_path) :]
        Agency.objects.bulk_update(subtree, ["path"])
    after = audit.snapshot(agency, AGENCY_FIELDS)
    audit.record(
        actor=actor,
        action="agency.update",
        obj=agency,
        agency_id=agency.pk,
        changes=audit.diff(before, after),
    )
    return agency


def retire_agency(
    *, actor: Any, agency: Agency, valid_to: datetime.date, successor: Agency | None = None
) -> Agency:
    """End an agency's validity (merger, abolition) and name its successor. The
    agency and its code stay, so old dossiers and documents keep them."""
    return update_agency(actor=actor, agency=agency, valid_to=valid_to, successor=successor)


@transaction.atomic
def create_department(*, actor: Any, agency: Agency, code: str, name: str) -> Department:
    require(actor, Action.ADMINISTER, agency)
    rules.check_required(code, "code", "mã phòng", "Department code")
    rules.check_required(name, "name", "tên phòng", "Department name")
    rules.check_department_code_free(agency, code.strip())
    department = Department.objects.create(agency=agency, code=code.strip(), name=name.strip())
    audit.record(
        actor=actor,
        action="department.create",
        obj=department,
        agency_id=agency.pk,
        changes={"after": audit.snapshot(department, ["agency", "code", "name"])},
    )
    return department


DEPARTMENT_FIELDS = ["code", "name", "is_active"]


@transaction.atomic
def update_department(*, actor: Any, department: Department, **changes: Any) -> Department:
    """Rename, re-code or (de)activate a department. Departments are never deleted
    (officers and dossiers keep pointing at them)."""
    require(actor, Action.CHANGE, department)
    unknown = set(changes) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown department fields: {sorted(unknown)}")
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    if "code" in changes:
        changes["code"] = (changes["code"] or "").strip()
        rules.check_required(changes["code"], "code", "mã phòng", "Department code")
        rules.check_department_code_free(
            department.agency, changes["code"], exclude_pk=department.pk
        )
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        rules.check_required(changes["name"], "name", "tên phòng", "Department name")
    for name, value in changes.items():
        setattr(department, name, value)
    department.save()
    audit.record(
        actor=actor,
        action="department.update",
        obj=department,
        agency_id=department.agency_id,
        changes=audit.diff(before, audit.snapshot(department, DEPARTMENT_FIELDS)),
    )
    return department


@transaction.atomic
def create_officer(
    *,
    actor: Any,
    username: str,
    full_name: str,
    agency: Agency | None,
    roles: list[str],
    department: Department | None = None,
    email: str = "",
    password: str | None = None,
    position: str = "",
    phone: str = "",
) -> Officer:
    rules.check_officer_agency(agency)
    require(actor, Action.ADMINISTER, agency)
    rules.check_required(username, "username", "tên đăng nhập", "Username")
    rules.check_required(full_name, "full_name", "họ tên", "Full name")
    rules.check_department_in_agency(department, agency)
    rules.check_roles(roles)
    if User.objects.filter(username=username).exists():
        from egov.core.errors import DomainError

        raise DomainError(
            "username_taken",
            f"Tên đăng nhập '{username}' đã tồn tại.",
            f"Username '{username}' is already taken.",
            field="username",
        )
    user = User(
        username=username, full_name=full_name, email=email, phone=phone, kind=User.Kind.OFFICER
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    officer = Officer.objects.create(
        user=user, agency=agency, department=department, position=position
    )
    OfficerRole.objects.bulk_create(
        [OfficerRole(officer=officer, role=r) for r in sorted(set(roles))]
    )
    audit.record(
        actor=actor,
        action="officer.create",
        obj=officer,
        agency_id=agency.pk,
        changes={
            "after": {
                "username": username,
                "agency": agency.pk,
                "department": department.pk if department else None,
                "roles": sorted(set(roles)),
            }
        },
    )
    return officer


@transaction.atomic
def set_officer_roles(*, actor: Any, officer: Officer, roles: list[str]) -> Officer:
    require(actor, Action.CHANGE, officer)
    rules.check_roles(roles)
    before = sorted(officer.role_codes())
    officer.roles.all().delete()
    OfficerRole.objects.bulk_create(
        [OfficerRole(officer=officer, role=r) for r in sorted(set(roles))]
    )
    audit.record(
        actor=actor,
        action="officer.set_roles",
        obj=officer,
        agency_id=officer.agency_id,
        changes={"before": {"roles": before}, "after": {"roles": sorted(set(roles))}},
    )
    return officer


OFFICER_USER_FIELDS = ["full_name", "email", "phone", "is_active"]
OFFICER_FIELDS = ["agency", "department", "position"]


@transaction.atomic
def update_officer(*, actor: Any, officer: Officer, **changes: Any) -> Officer:
    """Change an officer's account data, agency, department or position. Moving an
    officer to another agency needs the right to administer both agencies."""
    require(actor, Action.CHANGE, officer)
    unknown = set(changes) - set(OFFICER_USER_FIELDS) - set(OFFICER_FIELDS)
    if unknown:
        raise TypeError(f"unknown officer fields: {sorted(unknown)}")
    officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
    user = officer.user
    before = {
        **audit.snapshot(user, OFFICER_USER_FIELDS),
        **audit.snapshot(officer, OFFICER_FIELDS),
    }
    if "agency" in changes:
        rules.check_officer_agency(changes["agency"])
        if changes["agency"].pk != officer.agency_id:
            require(actor, Action.ADMINISTER, changes["agency"])
    if "full_name" in changes:
        rules.check_required(changes["full_name"], "full_name", "họ tên", "Full name")
    for name, value in changes.items():
        setattr(user if name in OFFICER_USER_FIELDS else officer, name, value)
    rules.check_department_in_agency(officer.department, officer.agency)
    user.save()
    officer.save()
    after = {**audit.snapshot(user, OFFICER_USER_FIELDS), **audit.snapshot(officer, OFFICER_FIELDS)}
    audit.record(
        actor=actor,
        action="officer.update",
        obj=officer,
        agency_id=officer.agency_id,
        changes=audit.diff(before, after),
    )
    return officer


@transaction.atomic
def register_applicant(
    *,
    username: str,
    password: str,
    full_name: str,
    kind: str = User.Kind.CITIZEN,
    id_number: str = "",
    tax_code: str = "",
    email: str = "",
    phone: str = "",
    organisation_name: str = "",
    date_of_birth: datetime.date | None = None,
    address: str = "",
) -> User:
    """Create a citizen or business account (people apply; officers work)."""
    if kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise ValueError("applicant accounts are citizens or businesses")
    if kind == User.Kind.CITIZEN:
        rules.check_cccd(id_number, birth_date=date_of_birth)
    user = User(username=username, full_name=full_name, email=email, phone=phone, kind=kind)
    user.set_password(password)
    user.save()
    ApplicantProfile.objects.create(
        user=user,
        id_number=id_number,
        tax_code=tax_code,
        organisation_name=organisation_name,
        date_of_birth=date_of_birth,
        address=address,
    )
    audit.record(
        actor=user,
        action="applicant.register",
        obj=user,
        changes={"after": {"username": username, "kind": kind}},
    )
    return user


def look_up_applicant(*, actor: Any, id_number: str, reason: str) -> dict[str, Any] | None:
    """A counter look-up ("tra cứu tại quầy"): the desk (or an auditor) finds the
    account of the person in front of them by ID card number, stating why; the answer
    is audited as ``read_applicant_personal_data``. None: no such account."""
    if not getattr(actor, "is_officer", False) or not permits_any(
        actor, Action.READ_PERSONAL_DATA, ApplicantProfile
    ):
        raise NotPermitted(action=str(Action.READ_PERSONAL_DATA))
    rules.check_lookup_reason(reason)
    rules.check_cccd(id_number)
    profile = scope(
        actor,
        Action.READ_PERSONAL_DATA,
        ApplicantProfile.objects.select_related("user").filter(id_number=id_number),
    ).first()
    if profile is None:
        return None
    return read_applicant_personal_data(actor=actor, profile=profile, reason=reason)


PERSONAL_FIELDS = ["address", "date_of_birth", "id_number", "tax_code"]


def read_applicant_personal_data(
    *, actor: Any, profile: ApplicantProfile, dossier: Any = None, reason: str = ""
) -> dict[str, Any]:
    """The applicant's identifying data, for a purpose: their own profile; for an
    officer, through ``dossier`` (one they may view, filed by or for this person); or
    a counter look-up by the desk or an auditor stating ``reason``. Every read writes
    one audit entry naming the purpose."""
    if profile.user_id == getattr(actor, "pk", None):
        purpose: dict[str, Any] = {"purpose": "own"}
        agency_id = None
    elif not getattr(actor, "is_officer", False):
        raise NotPermitted(action=str(Action.READ_PERSONAL_DATA))
    elif dossier is not None:
        require(actor, Action.VIEW, dossier)
        rules.check_applicant_of_dossier(profile, dossier)
        purpose = {"purpose": "dossier", "dossier": dossier.code}
        agency_id = dossier.processing_agency_id
    else:
        rules.check_personal_data_purpose("", reason)
        rules.check_lookup_reason(reason)
        require(actor, Action.READ_PERSONAL_DATA, profile)
        officer = actor.officer_or_none
        purpose = {"purpose": "counter_lookup", "reason": reason.strip()}
        agency_id = officer.agency_id if officer is not None else None
    audit.record(
        actor=actor,
        action="personal_data.read",
        obj=profile,
        agency_id=agency_id,
        changes={"fields": PERSONAL_FIELDS, **purpose},
    )
    return {
        "id": profile.pk,
        "full_name": profile.user.full_name,
        "kind": profile.user.kind,
        "id_number": profile.id_number,
        "tax_code": profile.tax_code,
        "date_of_birth": profile.date_of_birth,
        "address": profile.address,
    }


__all__ = [
    "SYSTEM",
    "create_agency",
    "create_department",
    "create_officer",
    "look_up_applicant",
    "read_applicant_personal_data",
    "register_applicant",
    "retire_agency",
    "set_officer_roles",
    "update_agency",
    "update_department",
    "update_officer",
]
