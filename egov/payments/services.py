"""Writes of fee collection: one transaction each, audited, with an outbox event."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from egov.core import audit, outbox
from egov.core.errors import NotPermitted
from egov.core.permissions import Action, require
from egov.dossiers import rules as dossier_rules
from egov.dossiers.models import Dossier
from egov.payments import rules
from egov.payments.models import Method, Payment, ReceiptCounter


def exempted(dossier: Dossier) -> int:
    """What was exempted on ``dossier`` (đồng): it settles the fee without money."""
    total = dossier.payments.filter(method=Method.EXEMPT).aggregate(total=Sum("amount"))
    return total["total"] or 0


def outstanding(dossier: Dossier) -> int:
    """Fees still due on ``dossier`` (đồng): what the procedure and any financial
    obligation set, less what was paid and what was exempted."""
    return max(dossier.fee_due - dossier.fee_paid - exempted(dossier), 0)


def _next_receipt_number(agency_id: int, year: int) -> str:
    """The agency's next receipt number of ``year``, without gaps: the counter row is
    created if missing, then locked until commit."""
    ReceiptCounter.objects.bulk_create(
        [ReceiptCounter(agency_id=agency_id, year=year)], ignore_conflicts=True
    )
    counter = ReceiptCounter.objects.select_for_update().get(agency_id=agency_id, year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"{year}-{counter.last:06d}"


def record_payment(
    *,
    actor: Any,
    dossier: Dossier,
    method: str,
    amount: int | None = None,
    reference: str = "",
    exemption_reason: str = "",
    payer_name: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Payment:
    """The receiving desk records a fee paid in cash or by transfer, or exempted
    (with its reason), and issues the receipt ("biên lai"). An exemption settles all
    that is due. The dossier's version moves on, so a page opened before the payment
    is told it is stale."""
    now = now or timezone.now()
    rules.check_method(method)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        require(actor, Action.RETURN_RESULT, dossier)
        officer = getattr(actor, "officer_or_none", None)
        if not getattr(actor, "is_superuser", False) and (
            officer is None or officer.agency_id != dossier.receiving_agency_id
        ):
            # Fees are collected by the desk that received the dossier and returns it.
            raise NotPermitted(action="collect_fees")
        dossier_rules.check_version(dossier, expected_version)
        due = outstanding(dossier)
        rules.check_something_due(due)
        if method == Method.EXEMPT:
            rules.check_exemption_reason(method, exemption_reason)
            amount = due if amount is None else amount
        rules.check_amount(amount, due)
        amount = int(amount)
        payment = Payment.objects.create(
            dossier=dossier,
            agency_id=dossier.receiving_agency_id,
            receipt_number=_next_receipt_number(
                dossier.receiving_agency_id, timezone.localtime(now).year
            ),
            method=method,
            amount=amount,
            payer_name=(payer_name or dossier.applicant_name)[:255],
            reference=reference.strip()[:100],
            exemption_reason=exemption_reason.strip()[:1000],
            received_by=actor,
            received_at=now,
        )
        paid = 0 if method == Method.EXEMPT else amount
        Dossier.objects.filter(pk=dossier.pk).update(
            fee_paid=F("fee_paid") + paid, version=F("version") + 1, updated_at=now
        )
        audit.record(
            actor=actor,
            action="payments.record",
            obj=payment,
            agency_id=dossier.receiving_agency_id,
            changes={
                "dossier": dossier.code,
                "method": method,
                "amount": amount,
                "receipt_number": payment.receipt_number,
                "outstanding_after": due - amount,
            },
        )
        outbox.emit(
            topic="dossier.fee_recorded",
            aggregate=dossier,
            payload={
                "code": dossier.code,
                "receipt_number": payment.receipt_number,
                "method": method,
                "amount": amount,
                "outstanding": due - amount,
            },
        )
    return payment
