"""Online submissions are bound to the account that files them (issue 11, finding 5):
the account holder in person, a declared representative with an authorisation among
the components, a business account for its own business. Refusals name the field,
in Vietnamese and English, and write nothing."""

from __future__ import annotations

import datetime
import io
import json
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from egov.core.errors import DomainError
from egov.core.models import AuditEntry
from egov.directory import services as directory
from egov.directory.models import User
from egov.directory.tests.factories import ApplicantFactory
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure, full_checklist

ONLINE = "/api/v1/dossiers/online"
# The demo citizens (egov/directory/demo_data/bac_kan_2020.py).
LAN = {"type": "citizen", "name": "Hoàng Thị Lan", "id_number": "006190012345"}
MINH = {"type": "citizen", "name": "Nông Văn Minh", "id_number": "006085006789"}
COMPANY = {"type": "business", "name": "Công ty TNHH Bắc Hà", "tax_code": "4700123456"}


def register(username, applicant, kind=User.Kind.CITIZEN):
    return directory.register_applicant(
        username=username,
        password="mat-khau-thu-nghiem",
        full_name=applicant["name"],
        kind=kind,
        id_number=applicant.get("id_number", ""),
        tax_code=applicant.get("tax_code", ""),
        organisation_name=applicant["name"] if kind == User.Kind.BUSINESS else "",
        date_of_birth=_born(applicant.get("id_number", "")),
    )


def _born(id_number: str) -> datetime.date:
    """A date of birth that agrees with the CCCD number (its century digit and year)."""
    if not id_number:
        return datetime.date(1990, 4, 12)
    return datetime.date(1900 + 100 * (int(id_number[3]) // 2) + int(id_number[4:6]), 4, 12)


@pytest.fixture
def lan(db):
    return register("congdan.lan", LAN)


@pytest.fixture
def minh(db):
    return register("congdan.minh", MINH)


@pytest.fixture
def company(db):
    return register("congty.bacha", COMPANY, kind=User.Kind.BUSINESS)


@pytest.fixture
def version(db):
    return district_procedure(applicant_types=["citizen", "business"])


def scan(name="uy-quyen.png") -> SimpleUploadedFile:
    """A real image (whatever the upload checks decode, this is one)."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def body(places, version, applicant, **extra):
    return {
        "procedure": version.code,
        "receiving_agency": places.district.code,
        "applicant": applicant,
        "components": [{"component_id": c.pk, "originals": 1} for c in version.components.all()],
        **extra,
    }


def submit(client, user, data, files=None):
    client.force_login(user)
    if files is None:
        return client.post(ONLINE, data, content_type="application/json")
    return client.post(ONLINE, {"data": json.dumps(data), **files})


def nothing_written():
    return (
        not Dossier.objects.exists()
        and not AuditEntry.objects.filter(action="dossier.submit_online").exists()
    )


def test_lan_cannot_file_in_minhs_name_and_id_number(client, places, version, lan, minh):
    """The finding: congdan.lan's submission as congdan.minh was accepted."""
    response = submit(client, lan, body(places, version, MINH))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "applicant_not_account_holder"
    assert error["field"] == "applicant.id_number"
    assert error["details"]["fields"] == ["applicant.id_number", "applicant.name"]
    assert "chủ tài khoản" in error["message"] and "account holder" in error["message_en"]
    assert nothing_written()


def test_the_service_refuses_it_too(places, version, lan):
    with pytest.raises(DomainError) as refused:
        services.submit_online(
            actor=lan,
            procedure_code=version.code,
            receiving_agency=places.district,
            applicant=MINH,
            components=full_checklist(version),
        )
    assert refused.value.code == "applicant_not_account_holder"
    assert nothing_written()


@pytest.mark.parametrize(
    "applicant,field",
    [
        ({**LAN, "id_number": MINH["id_number"]}, "applicant.id_number"),
        ({**LAN, "name": "Hoàng Thị Lân"}, "applicant.name"),  # diacritics make another name
        ({**COMPANY, "tax_code": "4700123456"}, "applicant.type"),
    ],
)
def test_each_identity_field_that_differs_is_named(client, places, version, lan, applicant, field):
    response = submit(client, lan, body(places, version, applicant))
    assert response.status_code == 403
    assert response.json()["error"]["field"] == field
    assert nothing_written()


def test_the_account_holder_files_in_their_own_name(client, places, version, lan):
    # The name as typed on a phone: other case, spacing, decomposed diacritics.
    typed = unicodedata.normalize("NFD", "  hoàng  THỊ lan ")
    response = submit(client, lan, body(places, version, {**LAN, "name": typed}))
    assert response.status_code == 201, response.json()
    assert Dossier.objects.get().applicant_user == lan


def test_a_representative_with_an_authorisation_files_for_someone_else(
    client, places, version, lan
):
    data = body(places, version, MINH, representative=True)
    data["components"].append({"authorisation": True, "originals": 1})
    line = len(data["components"]) - 1
    response = submit(client, lan, data, {f"components[{line}].file": scan()})
    assert response.status_code == 201, response.json()
    dossier = Dossier.objects.get()
    assert dossier.applicant_user == lan
    assert dossier.applicant_id_number == MINH["id_number"]
    authorisation = dossier.components.get(name="Giấy ủy quyền")
    assert authorisation.file and authorisation.provided


def test_a_procedure_line_named_for_the_authorisation_counts(client, places, lan):
    from egov.catalog.tests.factories import content

    components = content()["components"]
    components.append({**components[0], "name": "Giấy ủy quyền", "mandatory": False})
    version = district_procedure(components=components)
    data = body(places, version, MINH, representative=True)
    last = len(data["components"]) - 1
    response = submit(client, lan, data, {f"components[{last}].file": scan()})
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("with_file", [False, True])
def test_a_representative_without_an_authorisation_is_refused(
    client, places, version, lan, with_file
):
    data = body(places, version, MINH, representative=True)
    # A declared authorisation without its scan, or a scan on another line.
    files = {"components[0].file": scan("to-khai.png")} if with_file else {}
    if not with_file:
        data["components"].append({"authorisation": True, "originals": 1})
    response = submit(client, lan, data, files)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "representative_authorisation_missing"
    assert error["field"] == "components" and "Giấy ủy quyền" in error["message"]
    assert nothing_written()


def test_a_business_files_for_its_own_tax_code_only(client, places, version, company):
    other = submit(client, company, body(places, version, {**COMPANY, "tax_code": "4700999999"}))
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "applicant_not_account_business"
    assert other.json()["error"]["field"] == "applicant.tax_code"
    as_citizen = submit(client, company, body(places, version, LAN))
    assert as_citizen.json()["error"]["code"] == "applicant_not_account_business"
    assert as_citizen.json()["error"]["field"] == "applicant.type"
    assert nothing_written()
    own = submit(client, company, body(places, version, COMPANY))
    assert own.status_code == 201, own.json()


def test_an_account_without_a_verified_identity_cannot_file(client, places, version):
    unverified = ApplicantFactory(id_number="", user__full_name="Lý Văn Tư").user
    response = submit(client, unverified, body(places, version, LAN))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_identity_unverified"
    assert nothing_written()
