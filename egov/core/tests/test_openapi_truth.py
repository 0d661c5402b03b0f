"""The generated schema tells the truth (issue 11, finding 9): the headers the API
requires are required in the schema, every error an operation can give is documented
in the error format, fields that can be null say so, and the API does what the schema
says when a required header is missing."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from egov.dossiers.api.actions import VIEWS

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def _parameter(operation, name):
    found = [p for p in operation.get("parameters", []) if p["name"] == name]
    return found[0] if found else None


def test_every_versioned_action_requires_if_match(schema):
    actions = {
        path.rsplit("/", 1)[1]: op
        for path, method, op in _operations(schema)
        if "/actions/" in path and method == "POST"
    }
    assert set(actions) == set(VIEWS)  # all 21, whatever generates them
    for name, operation in actions.items():
        if_match = _parameter(operation, "If-Match")
        assert if_match is not None and if_match["required"] is True, name
        assert if_match["in"] == "header"
        assert "428" in operation["responses"], name


def test_no_operation_without_a_version_requirement_claims_one(schema):
    for path, _method, operation in _operations(schema):
        if "/actions/" not in path:
            assert _parameter(operation, "If-Match") is None, path
            assert "428" not in operation["responses"], path


def test_the_idempotency_key_has_its_format(schema):
    keyed = [
        (path, _parameter(op, "Idempotency-Key"))
        for path, method, op in _operations(schema)
        if _parameter(op, "Idempotency-Key")
    ]
    keyed_paths = {path for path, _ in keyed}
    assert {"/api/v1/dossiers/", "/api/v1/dossiers/online"} <= keyed_paths
    assert {f"/api/v1/dossiers/{{code}}/actions/{name}" for name in VIEWS} <= keyed_paths
    for path, parameter in keyed:
        assert parameter["schema"]["pattern"] == r"^[\x21-\x7e]{1,255}$", path
        assert parameter.get("required", False) is False


def test_every_operation_documents_its_errors_in_the_error_format(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"400", "403"}
        if "{" in path:
            expected.add("404")
        if method == "POST":
            expected.add("409")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": ERROR_REF}, (method, path, status)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message", "message_en"}


def test_throttled_and_body_taking_operations_document_429_and_413(schema):
    paths = {(path, method): op for path, method, op in _operations(schema)}
    assert "429" in paths[("/api/v1/public/dossiers/{code}", "GET")]["responses"]
    assert "413" in paths[("/api/v1/dossiers/", "POST")]["responses"]
    assert "422" in paths[("/api/v1/dossiers/", "POST")]["responses"]


@pytest.mark.parametrize(
    ("component", "fields"),
    [
        ("Agency", ["parent", "successor", "valid_to"]),
        ("Workflow", ["agency", "tier"]),
        ("Participant", ["agency", "tier"]),
    ],
)
def test_fields_that_can_be_null_are_nullable(schema, component, fields):
    properties = schema["components"]["schemas"][component]["properties"]
    for name in fields:
        assert properties[name].get("nullable") is True, (component, name)


def test_query_parameters_carry_their_types_and_bounds(schema):
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/dossiers/"]["get"]["parameters"]}
    assert listing["from"]["schema"]["format"] == "date"
    assert listing["to"]["schema"]["format"] == "date"
    assert listing["limit"]["schema"]["minimum"] == 1
    assert listing["limit"]["schema"]["maximum"] == 500
    assert listing["offset"]["schema"]["minimum"] == 0
    assert "enum" in listing["status"]["schema"]
    agencies = {p["name"]: p for p in schema["paths"]["/api/v1/agencies/"]["get"]["parameters"]}
    assert agencies["in_force_on"]["schema"]["format"] == "date"


def test_without_if_match_or_version_an_action_is_428_and_with_an_empty_one_400(client, people):
    from egov.dossiers import services
    from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

    version = district_procedure()
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    client.force_login(people.desk_officer)
    url = f"/api/v1/dossiers/{dossier.code}/actions/forward"
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"
    response = client.post(url, "{}", content_type="application/json", headers={"If-Match": ""})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "if_match_invalid"
    response = client.post(
        url, json.dumps({}), content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200
