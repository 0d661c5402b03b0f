"""The access policy: one place that answers "may this actor do this action on this
object", and the matching filter for lists.

A resource (a model) is registered with the lookups that lead from it to the
agencies it concerns (``agency_lookups``) and, for applicants' own records, to
its owner (``owner_lookup``). ``RULES`` maps (resource, action) to the roles
allowed and the scope each role has:

- ``AGENCY``: objects concerning the officer's own agency;
- ``SUBTREE``: the officer's agency and every unit below it;
- ``PROVINCE``: every agency of the officer's province (the root of the tree);
- ``OWNER``: the applicant's own objects;
- ``ALL``: every object (public data).

Object checks run the same filter on the one object (``scope(...).filter(pk=..)``)
so that "can see it in a list" and "can open it" never disagree; the common cases
that the filter certainly allows (the officer's own agency, the owner) are answered
from memory first (``_surely``, tested against the filter). Superusers
(the platform operator) may do everything; anonymous users only what is ALL.
Auditors get VIEW rules only: they read, never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from egov.core.errors import NotPermitted


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    ADMINISTER = "administer"
    READ_PERSONAL_DATA = "read_personal_data"
    RECEIVE = "receive"
    PROCESS = "process"
    APPROVE = "approve"
    SIGN = "sign"
    RETURN_RESULT = "return_result"
    REGISTER_DOCUMENT = "register_document"


class Scope(StrEnum):
    AGENCY = "agency"
    SUBTREE = "subtree"
    PROVINCE = "province"
    OWNER = "owner"
    ALL = "all"


# Pseudo-roles for accounts that are not officers.
ANONYMOUS = "anonymous"
APPLICANT = "applicant"  # any citizen or business account

DESK, SPEC, HEAD, LEAD, CLERK = (
    "desk_officer",
    "specialist",
    "department_head",
    "agency_leader",
    "clerk",
)
AADMIN, PADMIN, AUDITOR = "agency_admin", "province_admin", "auditor"
OFFICER_ROLES = (DESK, SPEC, HEAD, LEAD, CLERK, AADMIN, PADMIN, AUDITOR)


@dataclass(frozen=True)
class Resource:
    name: str
    agency_lookups: tuple[str, ...] = ()  # "" = the object is itself an agency
    owner_lookup: str | None = None


_resources: dict[type[models.Model], Resource] = {}

RULES: dict[tuple[str, Action], dict[str, Scope]] = {}


def register_resource(
    model: type[models.Model], resource: Resource, rules: dict[Action, dict[str, Scope]]
) -> None:
    """Declare a protected model and who may do what on it (called by apps at import)."""
    _resources[model] = resource
    for action, roles in rules.items():
        RULES[(resource.name, action)] = dict(roles)


def resource_of(model: type[models.Model]) -> Resource:
    try:
        return _resources[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with the access policy") from None


def actor_roles(actor: Any) -> frozenset[str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return frozenset({ANONYMOUS})
    if getattr(actor, "is_officer", False):
        return actor.role_set
    return frozenset({APPLICANT})


def _actor_agency(actor: Any):
    officer = getattr(actor, "officer_or_none", None)
    return officer.agency if officer is not None else None


def _through(model: type[models.Model], lookup: str, condition: dict[str, Any]) -> Q:
    """``condition`` on the agency reached from ``model`` through ``lookup``. A lookup
    across a to-many relation (a dossier's tasks) becomes an EXISTS subquery, so that
    lists never need DISTINCT and one object never matches twice."""
    if not lookup:
        return Q(**condition)
    first, _, rest = lookup.partition("__")
    field = model._meta.get_field(first)
    if field.one_to_many:
        prefix = f"{rest}__" if rest else ""
        related = field.related_model._default_manager.filter(
            **{field.field.name: OuterRef("pk")},
            **{f"{prefix}{key}": value for key, value in condition.items()},
        )
        return Q(Exists(related))
    return Q(**{f"{lookup}__{key}": value for key, value in condition.items()})


def _agency_condition(scope: Scope, agency: Any) -> dict[str, Any]:
    """The condition on an agency for an agency-wide ``scope`` of an officer of ``agency``."""
    if scope is Scope.AGENCY:
        return {"id": agency.pk}
    if scope is Scope.SUBTREE:
        return {"path__startswith": agency.path}
    return {"path__startswith": f"/{agency.root_id}/"}


def _holds(agency: Any, condition: dict[str, Any]) -> bool:
    """``condition`` (as built by ``_agency_condition``) evaluated on ``agency``."""
    for key, value in condition.items():
        if key == "id":
            ok = agency.pk == value
        elif key == "path__startswith":
            ok = agency.path.startswith(value)
        else:
            return False
        if not ok:
            return False
    return True


def _direct_id(obj: models.Model, lookup: str) -> Any:
    """The id a one-segment foreign-key ``lookup`` of ``obj`` points to, if loaded."""
    if not lookup or "__" in lookup:
        return None
    field = obj._meta.get_field(lookup)
    if not field.many_to_one or field.attname in obj.get_deferred_fields():
        return None
    return getattr(obj, field.attname)


def _surely(actor: Any, action: Action, obj: models.Model) -> bool:
    """True when the filter of ``filter_for`` certainly matches ``obj``, judged from
    what is in memory: a scope that matches everything, the actor's own object, or an
    object whose agency foreign key is the officer's own agency (then the agency the
    filter tests is that one, so its condition is evaluated here). False means "ask
    the database"; never True where the filter would not match (tested)."""
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    resource = resource_of(type(obj))
    allowed = RULES.get((resource.name, Action(action)), {})
    agency = None
    for role in actor_roles(actor):
        scope = allowed.get(role)
        if scope is None:
            continue
        if scope is Scope.ALL:
            return True
        if scope is Scope.OWNER:
            owner_id = _direct_id(obj, resource.owner_lookup or "")
            if owner_id is not None and actor.is_authenticated and owner_id == actor.pk:
                return True
            continue
        agency = agency or _actor_agency(actor)
        if agency is None or not _holds(agency, _agency_condition(scope, agency)):
            continue
        if any(_direct_id(obj, lookup) == agency.pk for lookup in resource.agency_lookups):
            return True
    return False


def _scope_gives(resource: Resource, scope: Scope, actor: Any) -> bool:
    """Whether one scope gives this actor anything (``_scope_q`` is not None)."""
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWNER:
        return resource.owner_lookup is not None and actor is not None and actor.is_authenticated
    return bool(resource.agency_lookups) and _actor_agency(actor) is not None


def _scope_q(resource: Resource, scope: Scope, actor: Any, model: type[models.Model]) -> Q | None:
    """The filter for one scope, or None when the scope gives nothing to this actor."""
    if not _scope_gives(resource, scope, actor):
        return None
    if scope is Scope.ALL:
        return Q()
    if scope is Scope.OWNER:
        return Q(**{resource.owner_lookup: actor.pk})
    agency = _actor_agency(actor)
    condition = _agency_condition(scope, agency)
    q = Q()
    for lookup in resource.agency_lookups:
        q |= _through(model, lookup, condition)
    return q


def permits_any(actor: Any, action: Action, model: type[models.Model]) -> bool:
    """Whether ``actor`` may ``action`` some objects of ``model`` (``filter_for`` is not
    None), without building the filter."""
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    resource = resource_of(model)
    allowed = RULES.get((resource.name, Action(action)), {})
    return any(
        (scope := allowed.get(role)) is not None and _scope_gives(resource, scope, actor)
        for role in actor_roles(actor)
    )


def filter_for(actor: Any, action: Action, model: type[models.Model]) -> Q | None:
    """The Q filter of the objects of ``model`` that ``actor`` may ``action``; None if none."""
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return Q()
    resource = resource_of(model)
    allowed = RULES.get((resource.name, Action(action)), {})
    combined: Q | None = None
    for role in actor_roles(actor):
        scope = allowed.get(role)
        if scope is None:
            continue
        q = _scope_q(resource, scope, actor, model)
        if q is None:
            continue
        if not q:  # Q() = everything
            return Q()
        combined = q if combined is None else combined | q
    return combined


def scope(actor: Any, action: Action, queryset: models.QuerySet) -> models.QuerySet:
    """Restrict ``queryset`` to the objects ``actor`` may ``action``. Every list of
    protected objects goes through this."""
    q = filter_for(actor, action, queryset.model)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    return queryset.filter(q)


def can(actor: Any, action: Action, obj: models.Model) -> bool:
    """May ``actor`` do ``action`` on the saved object ``obj``? Answered in memory when
    that is certain (``_surely``: e.g. a dossier of the officer's own agency), else by
    the list filter run on this one object."""
    if _surely(actor, action, obj):
        return True
    q = filter_for(actor, action, type(obj))
    if q is None:
        return False
    if not q:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def require(actor: Any, action: Action, obj: models.Model) -> None:
    """Raise ``NotPermitted`` (403, code ``permission_denied``) unless allowed."""
    if not can(actor, action, obj):
        raise NotPermitted(action=str(action))


class _SystemActor:
    """The platform itself acting for an operator at the command line (imports, demo
    data, scheduled jobs). Allowed everything; audited as "system"."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_officer = False

    def __str__(self) -> str:
        return "system"


SYSTEM = _SystemActor()
