"""Plumbing shared by the dossier endpoints: request documents (JSON or multipart),
the ``If-Match`` / ``version`` precondition, the detail response with its ``ETag``."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.urls import reverse
from rest_framework import exceptions
from rest_framework.response import Response

from egov.core import inputs, openapi
from egov.core.errors import DomainError
from egov.directory.models import Agency
from egov.dossiers import queries, rules, services
from egov.dossiers.api import output
from egov.dossiers.models import Dossier
from egov.dossiers.services import ComponentInput

# One declaration of the header, with the schema's other truths (egov/core/openapi.py).
IF_MATCH_PARAMETER = openapi.IF_MATCH_PARAMETER
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
_FILE_PART = re.compile(r"^components\[(\d+)\]\.file$")


def etag(dossier: Dossier) -> str:
    return f'"{dossier.version}"'


def document(request) -> dict[str, Any]:
    """The request body as a dict. Multipart requests carry the JSON document in the
    part ``data`` (or flat form fields) next to their files."""
    if request.content_type.startswith("multipart/") or request.content_type.startswith(
        "application/x-www-form-urlencoded"
    ):
        raw = request.data.get("data")
        if raw:
            value = inputs.loads(raw)  # depth-limited, as JSON bodies are
            if not isinstance(value, dict):
                raise exceptions.ParseError()
            return value
        return {k: request.data.get(k) for k in request.data.keys() if k not in request.FILES}
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ParseError()
    return data


def expected_version(request, body_version: int | None) -> int:
    """The version the client acted on: ``If-Match`` or the body's ``version``
    (both: they must agree). Neither: 428 ``precondition_required``."""
    header = request.headers.get("If-Match")
    from_header = None
    if header is not None:  # present but empty is not "absent"
        match = _ETAG.match(header)
        if match is None:
            raise DomainError(
                "if_match_invalid",
                'If-Match phải là ETag của hồ sơ, ví dụ "3".',
                'If-Match must be the dossier ETag, e.g. "3".',
                field="If-Match",
            )
        from_header = int(match.group(1))
    if from_header is not None and body_version is not None and from_header != body_version:
        raise DomainError(
            "version_ambiguous",
            "If-Match và trường version không khớp nhau.",
            "If-Match and the version field disagree.",
            field="version",
        )
    version = from_header if from_header is not None else body_version
    if version is None:
        raise DomainError(
            "precondition_required",
            "Cần gửi phiên bản hồ sơ (tiêu đề If-Match hoặc trường version) để tránh ghi đè "
            "thay đổi của người khác.",
            "Send the dossier version (If-Match header or version field) so that nobody's "
            "change is overwritten.",
            field="If-Match",
            status=428,
        )
    return version


def component_inputs(items: list[dict[str, Any]], files) -> list[ComponentInput]:
    """Checklist lines with their files (multipart part ``components[i].file``)."""
    attached: dict[int, Any] = {}
    for name in files or {}:
        match = _FILE_PART.match(name)
        if match is None or int(match.group(1)) >= len(items):
            raise exceptions.ValidationError(
                {name: ["Tệp không ứng với thành phần nào. / File matches no component line."]}
            )
        attached[int(match.group(1))] = files[name]
    return [
        ComponentInput(
            component_id=item.get("component_id"),
            name=rules.authorisation_line_name(item.get("name", ""))
            if item.get("authorisation") and not item.get("component_id")
            else item.get("name", ""),
            originals=item.get("originals", 0),
            certified_copies=item.get("certified_copies", 0),
            photocopies=item.get("photocopies", 0),
            file=attached.get(index),
        )
        for index, item in enumerate(items)
    ]


def agency_by_code(code: str, field: str) -> Agency:
    """The agency named in a request (read on every request: an agency can be renamed
    or reorganised at any time)."""
    agency = next(iter(Agency.objects.filter(code=code).order_by()[:1]), None)
    if agency is None:
        raise DomainError(
            "agency_unknown",
            f"Không có cơ quan mã '{code}'.",
            f"No agency with code '{code}'.",
            field=field,
        )
    return agency


def detail_data(actor: Any, dossier: Dossier) -> dict[str, Any]:
    return output.detail(
        dossier,
        tasks=queries.visible_tasks(actor, dossier),
        show_officers=bool(getattr(actor, "is_officer", False)),
    )


def created_response(actor: Any, dossier: Dossier) -> Response:
    """201 for a dossier a service has just created: answered from the object the
    service returned (its references are set) and the rows it wrote (``written_rows``:
    exactly what is in the database), without reading anything again. A new dossier
    has no inter-agency part the caller could not see."""
    data = output.detail(
        dossier,
        tasks=dossier.written_rows["tasks"],
        show_officers=bool(getattr(actor, "is_officer", False)),
        rows=dossier.__dict__.pop("written_rows"),
    )
    return Response(
        data,
        status=201,
        headers={"ETag": etag(dossier), "Location": _detail_url().replace("@", dossier.code)},
    )


@functools.cache
def _detail_url() -> str:
    """The dossier page's URL with ``@`` for the code (codes need no quoting)."""
    return reverse("api-dossier-detail", args=["@"])


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (RFC 9110 13.1.2: a list of
    entity tags, weak comparison, or ``*``)."""
    if not if_none_match:
        return False
    given = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in given or tag in given


def detail_response(
    actor: Any, code: str, status: int = 200, audited: bool = True, if_none_match: str | None = None
) -> Response:
    """The dossier as the caller sees it, with its ETag. Showing it reveals the
    applicant's identifying data, so it is audited; a 304 Not Modified (the caller
    already holds this version) shows nothing and writes no entry."""
    dossier = queries.dossier_detail(actor, code)
    if dossier is None:
        raise exceptions.NotFound()
    tag = etag(dossier)
    if not_modified(if_none_match, tag):
        return Response(status=304, headers={"ETag": tag})
    if audited:
        services.record_dossier_read(actor=actor, dossier=dossier)
    return Response(detail_data(actor, dossier), status=status, headers={"ETag": tag})
