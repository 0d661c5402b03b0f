"""The actions of the dossier page, generated from the action table
(``egov.dossiers.actions``): which buttons this officer gets now (``available``) and
how a button's POST becomes the action's service call (``perform``), through the same
body serializer as the REST API. Every form carries the dossier version it was
rendered from, so two officers acting on one dossier cannot overwrite each other.
"""

from __future__ import annotations

from typing import Any

from egov.core.errors import DomainError
from egov.dossiers.action_inputs import Call, body_serializer
from egov.dossiers.actions import ACTIONS, Offer, missing_components, offers
from egov.dossiers.webforms import checklist_from

__all__ = ["available", "component_choices", "missing_components", "perform"]


def available(user, dossier, components, tasks) -> list[Offer]:
    """The actions this officer may take on the dossier now, most common first."""
    return offers(user, dossier, components, tasks)


def component_choices(dossier) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in dossier.procedure_version.components.all()]


_BODIES: dict[str, Any] = {}


def _body(name: str):
    if name not in _BODIES:
        _BODIES[name] = body_serializer(name, ACTIONS[name].inputs)
    return _BODIES[name]


def _invalid(errors: dict[str, Any]) -> DomainError:
    name = next(iter(errors))
    detail = errors[name]
    text = str(detail[0] if isinstance(detail, list) and detail else detail)
    return DomainError(
        "validation_error",
        f"Giá trị không hợp lệ ({name}): {text}",
        f"Invalid value ({name}): {text}",
        field=name,
        details=errors,
    )


def perform(key: str, request, dossier, components) -> Any:
    """Call the service of action ``key`` with the POSTed form; raises DomainError
    (KeyError for an unknown action)."""
    action = ACTIONS[key]
    post = request.POST
    data: dict[str, Any] = {}
    for item in action.inputs:
        if item.kind in ("components", "files", "scan"):
            continue  # uploads and checklist rows are read below
        present, value = item.from_form(post)
        if present:
            data[item.name] = value
    serializer = _body(key)(data=data)
    if not serializer.is_valid():
        raise _invalid(serializer.errors)
    version = post.get("version", "")
    if not str(version).isdigit():
        raise DomainError(
            "version_required",
            "Thiếu phiên bản hồ sơ: hãy tải lại trang.",
            "The dossier version is missing: reload the page.",
            field="version",
        )

    def checklist() -> list:
        items, _missing = checklist_from(
            post, request.FILES, missing_components(dossier, components)
        )
        return items

    call = Call(
        key,
        request.user,
        dossier,
        serializer.validated_data,
        request.FILES,
        int(version),
        checklist=checklist,
    )
    return action.service(call)
