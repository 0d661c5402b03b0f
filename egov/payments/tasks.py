"""Background work of payments: the periodic reconciliation of online payments
(enqueued by ``manage.py serve`` every ``EGOV_PAYMENT_RECONCILE_SECONDS``, run by the
task worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def reconcile_online_payments() -> dict[str, int]:
    """Ask the platform about every attempt pending longer than
    ``EGOV_PAYMENT_RECONCILE_AFTER_SECONDS`` (``services.reconcile_pending``)."""
    from egov.payments.services import reconcile_pending

    return reconcile_pending()
