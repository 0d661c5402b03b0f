"""Writes of fee collection: one transaction each, audited, with an outbox event."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from egov.catalog.models import FeeItem
from egov.core import audit, outbox
from egov.core.errors import NotPermitted
from egov.core.permissions import Action, require
from egov.dossiers import rules as dossier_rules
from egov.dossiers.lifecycle import Transition, check_transition
from egov.dossiers.models import Dossier, Outcome
from egov.dossiers.services.base import add_history
from egov.payments import rules
from egov.payments.models import Method, Payment, ReceiptCounter


def outstanding(dossier: Dossier) -> int:
    """Fees still due on ``dossier`` (đồng): what the procedure and any financial
    obligation set, less what was paid and what was exempted."""
    return dossier.fee_outstanding


def on_return(dossier: Dossier) -> int:
    """What the desk may still collect when it returns the result (đồng): the fees the
    procedure collects on return ("thu khi trả kết quả"), at most what is owed."""
    owed = outstanding(dossier)
    if owed <= 0 or dossier.outcome == Outcome.REFUSED:
        return 0
    fees = FeeItem.objects.filter(version_id=dossier.procedure_version_id, collected_on_return=True)
    return min(fees.aggregate(total=Sum("amount"))["total"] or 0, owed)


def due_before_return(dossier: Dossier, collected_on_return: int | None = None) -> int:
    """What must be paid (or exempted) before the result may be returned. Nothing for
    a refusal after appraisal: the fees are for the service rendered, and the notice of
    refusal (form 03) is handed over without them (what was paid is a refund, a later
    issue)."""
    if dossier.outcome == Outcome.REFUSED:
        return 0
    if collected_on_return is None:
        collected_on_return = on_return(dossier)
    return outstanding(dossier) - collected_on_return


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
    (with its reason), and issues the receipt ("biên lai"). Without an amount, all
    that is owed is paid (or exempted). The dossier's version moves on, so a page
    opened before the payment is told it is stale. Only while the dossier is open or
    its result waits at the desk (``lifecycle.TRANSITIONS``)."""
    now = now or timezone.now()
    rules.check_method(method)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        require(actor, Action.RETURN_RESULT, dossier)
        check_collecting_desk(actor, dossier)
        check_transition(dossier.status, Transition.RECORD_PAYMENT)
        dossier_rules.check_version(dossier, expected_version)
        due = outstanding(dossier)
        rules.check_something_due(due)
        rules.check_exemption_reason(method, exemption_reason)
        amount = due if amount is None else amount  # by default, all that is owed
        rules.check_amount(amount, due)
        amount = int(amount)
        payment = _receipt(
            actor=actor,
            dossier=dossier,
            method=method,
            amount=amount,
            due=due,
            reference=reference,
            exemption_reason=exemption_reason,
            payer_name=payer_name,
            now=now,
        )
        Dossier.objects.filter(pk=dossier.pk).update(version=F("version") + 1, updated_at=now)
        add_history(
            dossier,
            actor=actor,
            action=Transition.RECORD_PAYMENT.value,
            now=now,
            note=exemption_reason.strip()[:1000],
            data={"receipt_number": payment.receipt_number, "method": method, "amount": amount},
        )
    return payment


def check_collecting_desk(actor: Any, dossier: Dossier) -> None:
    """Fees are collected by the desk that received the dossier and returns it."""
    officer = getattr(actor, "officer_or_none", None)
    if not getattr(actor, "is_superuser", False) and (
        officer is None or officer.agency_id != dossier.receiving_agency_id
    ):
        raise NotPermitted(action="collect_fees")


def collect_on_return(
    *, actor: Any, dossier: Dossier, method: str, now: datetime.datetime
) -> Payment | None:
    """The payment the desk records as it returns the result of a procedure that
    collects on return; ``dossier`` is the caller's locked row, in its transaction
    (``return_result`` saves it). None when nothing is to be collected."""
    amount = on_return(dossier)
    if amount <= 0:
        return None
    rules.check_method(method, on_return=True)
    return _receipt(
        actor=actor,
        dossier=dossier,
        method=method,
        amount=amount,
        due=outstanding(dossier),
        reference="",
        exemption_reason="",
        payer_name="",
        now=now,
    )


def _receipt(
    *,
    actor: Any,
    dossier: Dossier,
    method: str,
    amount: int,
    due: int,
    reference: str,
    exemption_reason: str,
    payer_name: str,
    now: datetime.datetime,
) -> Payment:
    """Write one payment with its receipt number, on the locked ``dossier``: its fee
    fields are updated in the row and in the instance, audit and outbox in the same
    transaction."""
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
    field = "fee_exempted" if method == Method.EXEMPT else "fee_paid"
    Dossier.objects.filter(pk=dossier.pk).update(**{field: F(field) + amount})
    setattr(dossier, field, getattr(dossier, field) + amount)
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
