"""The citizen portal's "Lấy thông tin từ CSDL dân cư" (and, for a business account,
"... CSDL doanh nghiệp") on the applicant step of the online application: what was
typed is saved first (nothing is lost if the registry fails), then the registry is
asked for the account's own number and its address (and a phone, when none was typed)
fill the fields, which stay editable. The name and date of birth are the account's
(not edited on this step): the registry's are shown next to them, with a warning
when they differ."""

from __future__ import annotations

import dataclasses
from typing import Any

from egov.core.errors import DomainError
from egov.registries import errors, providers, services
from egov.registries.providers import Business, Person

GO = "registry"  # the value of the button (``go``) on the applicant step


@dataclasses.dataclass
class Prefill:
    registry: str  # errors.POPULATION or errors.BUSINESS
    person: Person | None = None
    business: Business | None = None
    error: DomainError | None = None
    filled: list[str] = dataclasses.field(default_factory=list)  # fields it changed
    differs: list[str] = dataclasses.field(default_factory=list)  # account vs registry

    @property
    def status(self) -> int:
        return self.error.status if self.error else 200


def registry_of(who: dict[str, Any]) -> str:
    return errors.BUSINESS if who.get("type") == "business" else errors.POPULATION


def offered(who: dict[str, Any]) -> bool:
    """Whether the button is shown: a registry is configured for this kind of account."""
    return providers.enabled(registry_of(who))


def fill_applicant(*, actor: Any, application: Any, typed: Any) -> Prefill:
    from egov.portal import services as portal

    data = {name: str(typed.get(name, "")) for name in portal.APPLICANT_FIELDS}
    portal.save(actor=actor, application=application, step="nguoi-nop", data=data)
    who = portal.identity(actor)
    registry = registry_of(who)
    result = Prefill(registry)
    try:
        if registry == errors.BUSINESS:
            result.business = services.look_up_business(actor=actor, code=who["tax_code"])
            address, phone = result.business.address, ""
        else:
            result.person = services.look_up_person(actor=actor, id_number=who["id_number"])
            address, phone = result.person.permanent_address, result.person.phone
    except DomainError as error:
        result.error = error
        return result
    if address and address != data["address"].strip():
        data["address"] = address
        result.filled.append("address")
    if phone and not data["phone"].strip():
        data["phone"] = phone
        result.filled.append("phone")
    if result.filled:
        portal.save(actor=actor, application=application, step="nguoi-nop", data=data)
    result.differs = _differences(who, result)
    return result


def _differences(who: dict[str, Any], result: Prefill) -> list[str]:
    def same(a: str, b: str) -> bool:
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()

    if result.person is not None:
        found = result.person
        differs = [] if same(who["name"], found.full_name) else ["name"]
        if who["birth_date"] and found.birth_date and who["birth_date"] != found.birth_date:
            differs.append("birth_date")
        return differs
    if result.business is not None and not same(who["name"], result.business.name):
        return ["name"]
    return []
