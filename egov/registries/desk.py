"""The desk's "Tra cứu CSDL dân cư" on the reception form (egov/dossiers reception
view, ``step=registry``): the ID number typed and the look-up's reason (the same
field as the account look-up, recorded in the audit entry) ask the population
database; the name, date of birth and permanent address fill the applicant block (and
a phone, when none was typed), which comes back unbound and editable. Nothing is
received; a refusal (malformed number, registry down) comes back with what was typed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _

from egov.core.errors import DomainError
from egov.registries import services

STEP = "registry"


def fill_reception(request) -> tuple[Any, DomainError | None]:
    from egov.dossiers.webforms import ReceptionForm

    values = {name: request.POST.get(name, "") for name in ReceptionForm.base_fields}
    try:
        person = services.look_up_person(
            actor=request.user,
            id_number=values["id_number"].strip(),
            reason=values["lookup_reason"],
        )
    except DomainError as error:
        error.form_field = "lookup_reason" if error.field == "reason" else (error.field or "")
        return ReceptionForm(initial=values), error
    values.update(
        name=person.full_name or values["name"],
        birth_date=person.birth_date or values["birth_date"],
        address=person.permanent_address or values["address"],
        phone=values["phone"] or person.phone,
    )
    messages.success(
        request,
        _("Đã điền thông tin từ CSDL quốc gia về dân cư; lần tra cứu đã được ghi nhật ký."),
    )
    return ReceptionForm(initial=values), None
