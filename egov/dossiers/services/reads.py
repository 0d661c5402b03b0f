"""Audited reads of applicants' identifying data on dossiers: the dossier page, the
API detail, the forms that print the ID number, officers' searches by ID or tax number.

Each showing writes exactly one ``personal_data.read`` audit entry (one per page,
form or search answer, not per dossier listed), after the access policy let the
officer see it and only when something identifying is shown: a 304 Not Modified or a
refusal writes none. OWASP ASVS 4.0 V8.3.5: access to sensitive data is audited,
without logging the data itself (so a search's entry names the dossiers shown, not the
number searched).
"""

from __future__ import annotations

from typing import Any

from egov.core import audit
from egov.dossiers.models import Dossier

ID_FIELDS = ["applicant_birth_date", "applicant_id_number", "applicant_tax_code"]


def shows_identity(dossier: Dossier) -> bool:
    return bool(dossier.applicant_id_number or dossier.applicant_tax_code)


def record_dossier_read(*, actor: Any, dossier: Dossier, form: str = "") -> None:
    """One showing of ``dossier`` with its applicant's ID number (the page, the API
    detail, or ``form``: its number and format, e.g. "01 pdf"), already allowed by the
    access policy."""
    if not shows_identity(dossier):
        return
    if not form:
        audit.record_personal_data_read(
            actor=actor, obj=dossier, agency_id=dossier.processing_agency_id, fields=ID_FIELDS
        )
        return
    # The same entry as record_personal_data_read's, naming the printed form.
    audit.record(
        actor=actor,
        action="personal_data.read",
        obj=dossier,
        agency_id=dossier.processing_agency_id,
        changes={"fields": ID_FIELDS, "form": form},
    )


def record_search_read(*, actor: Any, shown: list[Dossier], count: int) -> None:
    """An officer searched dossiers by an ID or tax number: the answer ties that number
    to people and their dossiers, even when it is empty. The entry names the dossiers
    shown, not the number searched (the log would otherwise hold it again)."""
    officer = getattr(actor, "officer_or_none", None)
    audit.record(
        actor=actor,
        action="personal_data.read",
        object_type=Dossier._meta.label_lower,
        object_repr="tìm theo số định danh / search by ID number",
        agency_id=officer.agency_id if officer is not None else None,
        changes={
            "fields": ["applicant_id_number", "applicant_tax_code"],
            "purpose": "search",
            "count": count,
            "dossiers": [d.code for d in shown],
        },
    )
