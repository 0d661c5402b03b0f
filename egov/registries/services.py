"""Look-ups in the national registries: the number checked before any call, the right
to look it up (an applicant: their own; the desk and auditors: with a reason), a short
cache, and one audit entry per look-up that reached the registry (or its cache), found
or not. The audit entry never holds the ID number in clear: a masked form to read and
a keyed pseudonym to find every look-up of the same number (with the server's key).

These are reads that write only their audit entry, which ``audit.record`` commits at
once when no transaction is open: a look-up stays on record even if the page that asked
for it fails afterwards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from egov.core import audit
from egov.core.errors import DomainError
from egov.directory.models import ApplicantProfile
from egov.registries import errors, providers, rules
from egov.registries.errors import BUSINESS, POPULATION
from egov.registries.providers import Business, Person


def pseudonym(id_number: str) -> str:
    """A keyed digest of the ID number (the server's secret key): equal for equal
    numbers, not reversible without the key."""
    return salted_hmac("egov.registries.id_number", id_number).hexdigest()[:32]


def _cache_key(registry: str, url: str, number: str) -> str:
    # Keyed too: the cache may be a database table or a shared Redis.
    digest = salted_hmac("egov.registries.cache", f"{url}|{number}").hexdigest()
    return f"registries:{registry}:{digest}"


def _own(actor: Any) -> ApplicantProfile | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return ApplicantProfile.objects.filter(user_id=actor.pk).first()


def _agency_id(actor: Any) -> int | None:
    officer = getattr(actor, "officer_or_none", None)
    return officer.agency_id if officer is not None else None


def _ask(registry: str, client: Any, number: str, call, record) -> tuple[Any, bool]:
    """(the record, whether it came from the cache); the look-up's audit entry is
    written either way by the caller."""
    key = _cache_key(registry, client.url, number)
    cached = cache.get(key)
    if cached is not None:
        return record.from_cached(cached), True
    found = call(number)
    if settings.EGOV_REGISTRY_CACHE_SECONDS > 0:
        cache.set(key, found.as_cached(), settings.EGOV_REGISTRY_CACHE_SECONDS)
    return found, False


def look_up_person(*, actor: Any, id_number: str, reason: str = "") -> Person:
    """The citizen of ``id_number`` in the population database. ``DomainError``: the
    number malformed (no call made), not allowed (403), not found (404), the registry
    unavailable (503) or too slow (504)."""
    id_number = (id_number or "").strip()
    rules.check_id_number(id_number)
    profile = _own(actor)
    purpose = rules.purpose_of(
        actor, own=bool(profile and profile.id_number == id_number), reason=reason
    )
    client = providers.population()
    if client is None:
        raise errors.disabled(POPULATION)
    subject = {
        "object_id": pseudonym(id_number),
        "object_repr": rules.masked_id_number(id_number),
    }
    return _audited(actor, POPULATION, client, id_number, purpose, subject, client.person, Person)


def look_up_business(*, actor: Any, code: str, reason: str = "") -> Business:
    """The enterprise of ``code`` (enterprise code / tax code) in the business
    registry; a business account for its own tax code, the desk with a reason."""
    code = (code or "").strip()
    rules.check_tax_code(code)
    profile = _own(actor)
    purpose = rules.purpose_of(actor, own=bool(profile and profile.tax_code == code), reason=reason)
    client = providers.business()
    if client is None:
        raise errors.disabled(BUSINESS)
    subject = {"object_id": code, "object_repr": code}
    return _audited(actor, BUSINESS, client, code, purpose, subject, client.business, Business)


def _audited(actor, registry, client, number, purpose, subject, call, record):
    try:
        found, cached = _ask(registry, client, number, call, record)
    except DomainError as error:
        _record(actor, registry, client, purpose, subject, outcome=error.code, cached=False)
        raise
    _record(actor, registry, client, purpose, subject, outcome="found", cached=cached)
    return found


def _record(actor, registry, client, purpose, subject, *, outcome: str, cached: bool) -> None:
    audit.record(
        actor=actor,
        action=f"registry.{registry}_lookup",
        object_type=f"registries.{registry}",
        agency_id=_agency_id(actor),
        changes={
            "outcome": outcome,
            "cached": cached,
            "provider": client.name,
            "url": client.url,
            **purpose,
        },
        **subject,
    )


__all__ = ["look_up_business", "look_up_person", "pseudonym"]
