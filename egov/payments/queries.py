"""Reads of fee collection, through the dossier's access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from egov.core.permissions import Action, can
from egov.dossiers.models import Dossier
from egov.payments.models import Payment
from egov.payments.services import due_before_return, on_return, outstanding


def payments_of(actor: Any, dossier: Dossier) -> QuerySet[Payment] | None:
    """The payments of a dossier the actor may view, oldest first; None otherwise."""
    if not can(actor, Action.VIEW, dossier):
        return None
    return dossier.payments.select_related("received_by").order_by("received_at", "id")


def fee_summary(dossier: Dossier) -> dict[str, int | bool]:
    """What a page shows of the fees: due, paid, exempted, still owed, and of that
    what the desk collects when it returns the result."""
    owed = outstanding(dossier)
    collect = on_return(dossier)
    return {
        "due": dossier.fee_due,
        "paid": dossier.fee_paid,
        "exempted": dossier.fee_exempted,
        "outstanding": owed,
        "on_return": collect,
        "before_return": due_before_return(dossier, collect),
        "settled": owed == 0,
    }


def owned_dossier(actor: Any, code: str) -> Dossier | None:
    """The dossier ``code`` when ``actor`` is the account that filed it (the
    citizen's payment pages); None otherwise, so that codes cannot be probed."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return (
        Dossier.objects.select_related("procedure_version", "receiving_agency")
        .filter(code=code, applicant_user_id=actor.pk)
        .first()
    )


def online_payment_page(dossier: Dossier) -> dict[str, Any]:
    """What the citizen's payment page shows: one line per fee of the procedure, the
    totals, the receipts and the latest attempts (three queries)."""
    fees = list(dossier.procedure_version.fees.all())
    return {
        "fees": fees,
        "summary": fee_summary(dossier),
        "offered": any(f.payable_online for f in fees),
        "payments": list(dossier.payments.order_by("received_at", "id")),
        "attempts": list(dossier.online_transactions.order_by("-created_at", "-id")[:5]),
    }
