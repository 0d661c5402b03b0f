"""Named reads of the signing app."""

from __future__ import annotations

from typing import Any

from egov.dossiers.models import Dossier
from egov.signing.models import Batch, Credential, SignedResult


def signed_result(dossier: Dossier) -> SignedResult | None:
    """The latest signed result of ``dossier`` (with its stored file), or ``None``. Used
    by the desk, the citizen portal and the public look-up; the caller decides who may
    download it (the file is served by ``dossiers:result_file``)."""
    return (
        SignedResult.objects.filter(dossier=dossier)
        .select_related("result_file")
        .order_by("-signed_at", "-id")
        .first()
    )


def signed_result_by_code(code: str) -> SignedResult | None:
    return (
        SignedResult.objects.filter(dossier__code=code)
        .select_related("result_file", "dossier")
        .order_by("-signed_at", "-id")
        .first()
    )


def registered_hashes(code: str) -> set[str]:
    """The SHA-256 of every signed result registered for the dossier ``code``."""
    return set(SignedResult.objects.filter(dossier__code=code).values_list("sha256", flat=True))


def code_of_hash(sha256: str) -> str | None:
    row = SignedResult.objects.filter(sha256=sha256).select_related("dossier").first()
    return row.dossier.code if row else None


def personal_credential(actor: Any) -> Credential | None:
    """The officer's own active personal credential (the newest)."""
    if not getattr(actor, "pk", None):
        return None
    return (
        Credential.objects.filter(holder=actor, kind=Credential.Kind.PERSONAL, active=True)
        .order_by("-created_at", "-id")
        .first()
    )


def seal_credential(agency_id: int) -> Credential | None:
    return (
        Credential.objects.filter(agency_id=agency_id, kind=Credential.Kind.SEAL, active=True)
        .order_by("-created_at", "-id")
        .first()
    )


def batch(actor: Any, pk: int) -> Batch | None:
    """A batch of ``actor`` with its items and their dossiers."""
    found = Batch.objects.filter(pk=pk, actor=actor).first()
    if found is not None:
        found.rows = list(found.items.select_related("dossier").order_by("id"))
    return found


def waiting_for_signature(actor: Any) -> list[Dossier]:
    """The dossiers on a step where ``actor`` may sign the result now (the leader's
    decision step, or a step whose actions include "sign"), oldest first."""
    from egov.dossiers import actions

    officer = getattr(actor, "officer_or_none", None)
    officer = officer() if callable(officer) else officer
    if officer is None:
        return []
    candidates = (
        Dossier.objects.filter(processing_agency_id=officer.agency_id, status="processing")
        .exclude(current_step=None)
        .select_related("procedure_version", "current_step")
        .order_by("received_at", "id")[:200]
    )
    out = []
    for dossier in candidates:
        # The same answer as the dossier page's buttons (the action registry).
        offered = actions.offers(actor, dossier)
        if any(
            o.key == "record_result" or (o.key == "advance" and o.hidden.get("action") == "sign")
            for o in offered
        ):
            out.append(dossier)
    return out
