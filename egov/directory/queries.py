"""Named reads of the directory; each goes through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from egov.core.permissions import Action, scope
from egov.directory.models import Agency, ApplicantProfile, Officer


def agencies_for(actor: Any, *, in_force_on=None) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("tier", "parent", "successor")
    if in_force_on is not None:
        qs = qs.in_force(in_force_on)
    return scope(actor, Action.VIEW, qs)


def officers_for(actor: Any) -> QuerySet[Officer]:
    qs = Officer.objects.select_related("user", "agency", "department").prefetch_related("roles")
    return scope(actor, Action.VIEW, qs)


def applicants_for(actor: Any) -> QuerySet[ApplicantProfile]:
    return scope(actor, Action.VIEW, ApplicantProfile.objects.select_related("user"))
