"""Writes of fee collection: one transaction each, audited, with an outbox event."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone

from egov.catalog.models import FeeItem
from egov.core import audit, outbox
from egov.core.errors import Conflict, DomainError, NotPermitted
from egov.core.permissions import Action, require
from egov.dossiers import rules as dossier_rules
from egov.dossiers.lifecycle import Transition, check_transition
from egov.dossiers.models import Dossier, Outcome
from egov.dossiers.services.base import add_history
from egov.payments import providers, rules
from egov.payments.models import (
    Method,
    OnlineTransaction,
    Payment,
    ReceiptCounter,
    TransactionState,
)

log = logging.getLogger("egov.payments")


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


# --- online payment (the national payment platform, ``payments.providers``) -------------


def start_online_payment(
    *, actor: Any, dossier: Dossier, site_url: str, now: datetime.datetime | None = None
) -> OnlineTransaction:
    """The applicant starts paying what is owed online: an attempt is written (audited),
    then the platform is asked for its pay page (``pay_url``, where the view sends the
    browser). Only the account that filed the dossier, only while a fee is owed on a
    procedure that takes fees online. A second click (a second tab) while an attempt
    is pending gets that attempt back (without ``pay_url`` while its INIT is still in
    flight); a pending attempt for another amount is refused.
    ``site_url`` (scheme and host) is where the platform sends the payer back and its
    callback."""
    now = now or timezone.now()
    rules.check_online_payer(actor, dossier)
    provider = providers.provider()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", "receiving_agency")
            .get(pk=dossier.pk)
        )
        fees = list(dossier.procedure_version.fees.all())
        rules.check_online_offered(any(f.payable_online for f in fees), dossier.status)
        due = outstanding(dossier)
        rules.check_something_due(due)
        pending = dossier.online_transactions.filter(state=TransactionState.PENDING).first()
        if pending is not None:
            if pending.amount == due:
                return pending  # its INIT may still be in flight (no ``pay_url`` yet)
            raise Conflict(
                "online_payment_pending",
                "Một giao dịch thanh toán của hồ sơ đang chờ xác nhận. Vui lòng chờ kết "
                "quả trước khi thanh toán lại.",
                "A payment of this dossier is waiting for confirmation. Please wait for "
                "its result before paying again.",
                details={"reference": pending.reference},
            )
        attempt = dossier.online_transactions.count() + 1
        txn = OnlineTransaction.objects.create(
            dossier=dossier,
            reference=f"{dossier.code}-TT{attempt:02d}",
            provider=provider.name,
            amount=due,
            currency="VND",
            started_by=actor,
            created_at=now,
            updated_at=now,
        )
        audit.record(
            actor=actor,
            action="payments.online.start",
            obj=txn,
            agency_id=dossier.receiving_agency_id,
            changes={"dossier": dossier.code, "reference": txn.reference, "amount": due},
        )
    order = providers.Order(
        reference=txn.reference,
        dossier_code=dossier.code,
        procedure_code=dossier.procedure_version.code,
        agency_code=dossier.receiving_agency.code,
        agency_name=dossier.receiving_agency.name,
        payer_name=dossier.applicant_name,
        amount=due,
        currency=txn.currency,
        # Without diacritics: banks print the description on statements as ASCII.
        description=f"Thanh toan phi, le phi ho so {dossier.code}",
        fees=tuple(providers.Fee(f.name, f.amount) for f in fees),
        at=now,
        return_url=site_url + reverse("payments:online_return", args=[dossier.code, txn.reference]),
        notify_url=site_url + reverse("payments:online_callback"),
    )
    # The platform is called outside the transaction: it may take seconds.
    try:
        started = provider.start(order)
    except providers.ProviderError as error:
        with transaction.atomic():
            OnlineTransaction.objects.filter(pk=txn.pk, state=TransactionState.PENDING).update(
                state=TransactionState.FAILED, code="init", updated_at=timezone.now()
            )
            audit.record(
                actor=actor,
                action="payments.online.init_failed",
                obj=txn,
                agency_id=dossier.receiving_agency_id,
                changes={"reference": txn.reference, "error": str(error)[:500]},
            )
        raise rules.platform_unavailable() from error
    txn.platform_id, txn.pay_url = started.platform_id[:60], started.pay_url
    txn.updated_at = timezone.now()
    # Only these columns: a fast callback may have settled the attempt already.
    OnlineTransaction.objects.filter(pk=txn.pk).update(
        platform_id=txn.platform_id, pay_url=txn.pay_url, updated_at=txn.updated_at
    )
    return txn


def handle_callback(payload: Any, *, now: datetime.datetime | None = None) -> OnlineTransaction:
    """The platform's callback: its checksum, partner, reference, platform number,
    amount and currency are verified, then the attempt is settled once: a success
    becomes a ``Payment`` (method online, the desk's receipt series) in the same
    transaction. A replayed, second or late callback of a settled attempt changes
    nothing. A refused callback raises ``DomainError`` and writes only its audit entry
    (``payments.online.callback_refused``)."""
    provider = providers.provider()
    try:
        notice = provider.parse_callback(payload)
        return _apply(notice, source="callback", now=now or timezone.now())
    except DomainError as error:
        _refused(error, payload if isinstance(payload, dict) else {}, source="callback")
        raise


def refresh_online_payment(
    txn: OnlineTransaction, *, now: datetime.datetime | None = None
) -> OnlineTransaction:
    """Ask the platform for the state of a pending attempt (status query) and apply a
    final answer as a callback would be. The platform unreachable: it stays pending."""
    now = now or timezone.now()
    try:
        notice = providers.provider().query(txn.reference)
    except providers.ProviderError as error:
        log.warning(
            "payment status query failed", extra={"reference": txn.reference, "error": str(error)}
        )
        OnlineTransaction.objects.filter(pk=txn.pk).update(checked_at=now)
        return txn
    try:
        return _apply(notice, source="query", now=now)
    except DomainError as error:
        _refused(error, notice.raw, source="query")
        return txn


def reconcile_pending(
    *, older_than: int | None = None, now: datetime.datetime | None = None, limit: int = 200
) -> dict[str, int]:
    """Poll every attempt pending for more than ``older_than`` seconds
    (``EGOV_PAYMENT_RECONCILE_AFTER_SECONDS``) until the platform gives a final state;
    run periodically (task ``reconcile_online_payments``, command
    ``reconcile_payments``). Returns how many were checked and how they ended."""
    now = now or timezone.now()
    if older_than is None:
        older_than = settings.EGOV_PAYMENT_RECONCILE_AFTER_SECONDS
    cutoff = now - datetime.timedelta(seconds=older_than)
    pending = OnlineTransaction.objects.filter(
        state=TransactionState.PENDING, created_at__lte=cutoff
    ).order_by("created_at", "id")[:limit]
    counts = {"checked": 0, **{state: 0 for state in TransactionState.values}}
    for txn in list(pending):
        txn = refresh_online_payment(txn, now=now)
        txn.refresh_from_db(fields=["state"])
        counts["checked"] += 1
        counts[txn.state] += 1
    return counts


def _apply(notice: providers.Notice, *, source: str, now: datetime.datetime) -> OnlineTransaction:
    """Settle the attempt ``notice`` is about, once, in one transaction."""
    with transaction.atomic():
        txn = (
            OnlineTransaction.objects.select_for_update().filter(reference=notice.reference).first()
        )
        if txn is None:
            raise rules.callback_unknown_reference(notice.reference)
        rules.check_callback_matches(notice, txn)
        raw = "callback" if source == "callback" else "status_answer"
        if txn.state != TransactionState.PENDING:
            return txn  # settled already: a replayed, second or late word changes nothing
        setattr(txn, raw, notice.raw)
        txn.checked_at = now if source == "query" else txn.checked_at
        txn.updated_at = now
        if notice.state == providers.PENDING:
            txn.save(update_fields=[raw, "checked_at", "updated_at"])
            return txn
        dossier = Dossier.objects.select_for_update().get(pk=txn.dossier_id)
        txn.platform_id = txn.platform_id or notice.platform_id[:60]
        txn.code, txn.settled_at = notice.code[:10], now
        changes = {"dossier": dossier.code, "reference": txn.reference, "source": source}
        if notice.state == providers.FAILED:
            txn.state = TransactionState.FAILED
        elif txn.amount > outstanding(dossier):
            # Paid at the desk meanwhile: the money is the desk's to settle by hand.
            # (More owed since, e.g. a financial obligation: this pays its part.)
            txn.state = TransactionState.REVIEW
            changes["outstanding"] = outstanding(dossier)
        else:
            txn.state = TransactionState.SUCCEEDED
            txn.payment = _online_receipt(txn, dossier, now)
            changes["receipt_number"] = txn.payment.receipt_number
        txn.save()
        audit.record(
            actor=None,
            action=f"payments.online.{txn.state}",
            obj=txn,
            agency_id=dossier.receiving_agency_id,
            changes={
                **changes,
                "amount": txn.amount,
                "MaGiaoDich": txn.platform_id,
                "MaLoi": txn.code,
            },
        )
    return txn


def _online_receipt(txn: OnlineTransaction, dossier: Dossier, now: datetime.datetime) -> Payment:
    """The confirmed attempt as the desk's payment: its receipt, history, version."""
    payment = _receipt(
        actor=None,
        dossier=dossier,
        method=Method.ONLINE,
        amount=txn.amount,
        due=outstanding(dossier),
        reference=txn.platform_id,
        exemption_reason="",
        payer_name="",
        now=now,
    )
    Dossier.objects.filter(pk=dossier.pk).update(version=F("version") + 1, updated_at=now)
    add_history(
        dossier,
        actor=txn.started_by,
        action=Transition.RECORD_PAYMENT.value,
        now=now,
        note="",
        data={
            "receipt_number": payment.receipt_number,
            "method": Method.ONLINE.value,
            "amount": txn.amount,
            "reference": txn.reference,
        },
    )
    return payment


def _refused(error: DomainError, payload: dict, *, source: str) -> None:
    """The audit entry of a refused callback or status answer, alone in its transaction
    (nothing else is written)."""
    fields = ("MaLoi", "MaDoiTac", "MaThamChieu", "MaGiaoDich", "SoTien", "MaTienTe")
    with transaction.atomic():
        audit.record(
            actor=None,
            action="payments.online.callback_refused",
            object_type="payments.onlinetransaction",
            object_id=str(payload.get("MaThamChieu", ""))[:60],
            changes={
                "code": error.code,
                "source": source,
                **{name: str(payload.get(name, ""))[:100] for name in fields},
            },
        )
