"""Shared test fixtures: a small province and named personas.

``people`` gives one account per persona, all in the province ``places``:

    places.province        UBND tỉnh (root)            people.province_admin, people.auditor
      places.department    Sở Tư pháp                  people.other_officer (specialist there)
      places.district      UBND huyện Chợ Mới          people.desk_officer, specialist,
                                                       department_head, agency_leader, clerk,
                                                       agency_admin
        places.commune     UBND xã Yên Đĩnh            people.commune_officer
    places.other_province  UBND tỉnh khác (another tree) people.foreign_officer
    people.citizen         a citizen account with a CCCD number
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from egov.directory.models import Agency, Department, Officer, User
from egov.directory.roles import Role
from egov.directory.tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    DepartmentFactory,
    OfficerFactory,
    tier,
)


@dataclass
class Places:
    province: Agency
    department: Agency
    district: Agency
    commune: Agency
    other_province: Agency
    district_office: Department


@dataclass
class People:
    citizen: User
    desk_officer: User
    specialist: User
    department_head: User
    agency_leader: User
    clerk: User
    agency_admin: User
    other_officer: User
    commune_officer: User
    province_admin: User
    auditor: User
    foreign_officer: User

    def officer(self, name: str) -> Officer:
        return getattr(self, name).officer


@pytest.fixture
def places(db) -> Places:
    province = AgencyFactory(
        code="000.00.00.H06", name="UBND tỉnh Bắc Kạn", short_name="UBND", tier=tier("province")
    )
    department = AgencyFactory(
        code="000.01.00.H06",
        name="Sở Tư pháp",
        short_name="STP",
        tier=tier("department"),
        parent=province,
    )
    district = AgencyFactory(
        code="000.00.12.H06",
        name="UBND huyện Chợ Mới",
        short_name="UBND",
        tier=tier("district"),
        parent=province,
    )
    commune = AgencyFactory(
        code="000.12.31.H06",
        name="UBND xã Yên Đĩnh",
        short_name="UBND",
        tier=tier("commune"),
        parent=district,
    )
    other = AgencyFactory(
        code="000.00.00.H53", name="UBND tỉnh Tây Ninh", short_name="UBND", tier=tier("province")
    )
    office = DepartmentFactory(agency=district, code="vp", name="Văn phòng HĐND-UBND")
    return Places(province, department, district, commune, other, office)


def _officer(agency, username, *roles, department=None) -> User:
    return OfficerFactory(
        user__username=username, agency=agency, department=department, roles=list(roles)
    ).user


@pytest.fixture
def people(places) -> People:
    d = places.district
    return People(
        citizen=ApplicantFactory(
            # The name and ID number the dossier tests file with (factories.APPLICANT).
            user__username="citizen",
            user__full_name="Hoàng Thị Lan",
            id_number="006190001234",
        ).user,
        desk_officer=_officer(d, "desk", Role.DESK_OFFICER, department=places.district_office),
        specialist=_officer(d, "specialist", Role.SPECIALIST),
        department_head=_officer(d, "head", Role.DEPARTMENT_HEAD),
        agency_leader=_officer(d, "leader", Role.AGENCY_LEADER),
        clerk=_officer(d, "clerk", Role.CLERK),
        agency_admin=_officer(d, "agency_admin", Role.AGENCY_ADMIN),
        other_officer=_officer(places.department, "other", Role.SPECIALIST),
        commune_officer=_officer(places.commune, "commune", Role.DESK_OFFICER),
        province_admin=_officer(places.province, "province_admin", Role.PROVINCE_ADMIN),
        auditor=_officer(places.province, "auditor", Role.AUDITOR),
        foreign_officer=_officer(places.other_province, "foreign", Role.PROVINCE_ADMIN),
    )


@pytest.fixture(autouse=True)
def _fresh_catalog_cache():
    """A rolled-back test database gives primary keys out again: forget the cached
    procedure versions of the previous test."""
    from egov.catalog import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def _audit_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-key")


@pytest.fixture(autouse=True)
def _audit_files(settings, tmp_path, _audit_key_dir):
    # One audit key for the run (created on first use, as in the demo) and a checkpoint
    # file per test, never the demo's under var/ (child processes get both: child_env).
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = _audit_key_dir / "audit-key"
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (tested in core/tests/test_security.py); tests
    # that only need some password use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # The SQLite test database is a file (so tests can start server and relay processes
    # on it); give each test run its own database so that two runs never share one.
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        name = Path(db["TEST"]["NAME"])
        db["TEST"]["NAME"] = str(name.with_name(f"{name.stem}.{os.getpid()}{name.suffix}"))
    else:  # two runs on one PostgreSQL server must not drop each other's database
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{os.getpid()}"


@pytest.fixture
def committed_db(django_db_serialized_rollback, transactional_db):
    """Rows committed for real, so that other processes (servers, relays) see them.
    The data of the migrations (tiers, official calendar decisions) is restored before
    the test; afterwards the database is emptied, for which the append-only guard of the
    audit table is lifted (tests that check the guard run before transactional ones)."""
    from django.db import connection

    from egov.core import guards

    guards.install(connection)
    yield
    guards.remove(connection)


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (fakes/smtp.py) that Django's SMTP backend sends
    to; the test reads the messages back from it."""
    from fakes.smtp import Catcher

    with Catcher() as catcher:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = catcher.port
        yield catcher
