"""Writes of the signing app: signing results
(alone and in batches) and the audit entry of a verification. Each in one
transaction with its audit entry; a result signed also emits ``signing.result_signed``.

Signing a result is all-or-nothing: the dossier's own service (record_result at the
decision step, advance with "sign" elsewhere) runs first and checks everything, then
the PDF is rendered, signed and stored, in the same transaction; any failure rolls
the whole back and removes the stored file."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from egov.core import audit, outbox
from egov.core.errors import DomainError
from egov.core.permissions import Action, require
from egov.dossiers.models import Dossier, ResultFile
from egov.signing import conf, keys, pades, queries, render, rules
from egov.signing.models import Batch, BatchItem, SignedResult
from egov.signing.trust import Trust

# ---------------------------------------------------------------- signing


class _Keys:
    """The officer's and the seal's signers, unlocked once (a batch reuses them)."""

    def __init__(self, actor: Any, agency_id: int, passphrase: str, trust: Trust, now):
        self.personal = queries.personal_credential(actor)
        if self.personal is None:
            raise DomainError(
                "no_credential",
                "Bạn chưa có chứng thư số ký; đề nghị quản trị viên cấp.",
                "You have no signing certificate; ask the administrator for one.",
            )
        rules.check_holder(actor, self.personal)
        self.seal = queries.seal_credential(agency_id)
        rules.check_certificate(self.personal, trust, now)
        if self.seal is not None:
            rules.check_certificate(self.seal, trust, now)
        self.passphrase = passphrase
        self.stack = ExitStack()

    def __enter__(self) -> _Keys:
        self.personal_signer = self.stack.enter_context(
            keys.signer_for(self.personal, self.passphrase)
        )
        self.seal_signer = (
            self.stack.enter_context(keys.signer_for(self.seal, None)) if self.seal else None
        )
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()


def sign_document(*, actor: Any, data: bytes, passphrase: str, agency_id: int, now=None) -> bytes:
    """Any PDF of the agency (forms 01-05...) signed by ``actor`` and sealed (B-LTA).
    Audited; nothing stored."""
    now = now or timezone.now()
    rules.check_pdf(data)
    trust = Trust.configured()
    with _Keys(actor, agency_id, passphrase, trust, now) as unlocked:
        signed = _sign_bytes(data, unlocked, trust, now)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="signing.document_signed",
            object_type="signing.document",
            object_id=hashlib.sha256(signed).hexdigest(),
            agency_id=agency_id,
            changes={"sha256_before": hashlib.sha256(data).hexdigest(), "level": pades.LEVEL},
        )
    return signed


def _sign_bytes(data: bytes, unlocked: _Keys, trust: Trust, now) -> bytes:
    personal = pades.Part(
        unlocked.personal_signer, unlocked.personal.common_name, bytes(unlocked.personal.image)
    )
    seal = None
    if unlocked.seal_signer is not None:
        seal = pades.Part(
            unlocked.seal_signer,
            unlocked.seal.organisation or unlocked.seal.common_name,
            bytes(unlocked.seal.image),
        )
    return pades.sign(
        data, personal=personal, seal=seal, trust=trust, tsa_url=conf.tsa_url(), signed_at=now
    )


def _sign_one(
    *,
    actor: Any,
    dossier: Dossier,
    unlocked: _Keys,
    trust: Trust,
    note: str,
    expected_version: int | None,
    now: datetime.datetime,
    request: Any = None,
) -> SignedResult:
    from egov.dossiers import services as dossier_services

    stored: list[Any] = []
    try:
        with transaction.atomic():
            # The dossier's own service first: it locks the row and checks the step,
            # the role and the version; a refusal signs nothing.
            if _at_decision(dossier):
                dossier = dossier_services.record_result(
                    actor=actor,
                    dossier=dossier,
                    note=note,
                    expected_version=expected_version,
                    now=now,
                )
            else:
                dossier = dossier_services.advance(
                    actor=actor,
                    dossier=dossier,
                    action="sign",
                    note=note,
                    expected_version=expected_version,
                    now=now,
                )
            title = unlocked.personal.title or "Thủ trưởng cơ quan"
            pdf = render.result_pdf(
                dossier, title=title, name=unlocked.personal.common_name, request=request
            )
            signed = _sign_bytes(pdf, unlocked, trust, now)
            digest = hashlib.sha256(signed).hexdigest()
            result_file = ResultFile(
                dossier=dossier,
                name=f"Kết quả điện tử đã ký số - {dossier.code}.pdf",
                original_name=f"ket-qua-{dossier.code}.pdf",
                content_type="application/pdf",
                size=len(signed),
                uploaded_at=now,
            )
            result_file.file.save("result.pdf", ContentFile(signed), save=False)
            stored.append(result_file.file)
            result_file.save(force_insert=True)
            row = SignedResult.objects.create(
                dossier=dossier,
                result_file=result_file,
                sha256=digest,
                signed_by=actor,
                personal=unlocked.personal,
                seal=unlocked.seal,
                level=pades.LEVEL,
                signed_at=now,
            )
            audit.record(
                actor=actor,
                action="signing.result_signed",
                obj=row,
                agency_id=dossier.processing_agency_id,
                changes={"dossier": dossier.code, "sha256": digest, "level": pades.LEVEL},
            )
            outbox.emit(
                topic="signing.result_signed",
                aggregate=dossier,
                payload={"code": dossier.code, "sha256": digest, "result_file": result_file.pk},
            )
            return row
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def _at_decision(dossier: Dossier) -> bool:
    """Whether the dossier is at its decision step (the result is recorded there)."""
    from egov.catalog import cache as catalog_cache
    from egov.dossiers.queries import workflow_steps
    from egov.dossiers.rules import is_decision_step

    if dossier.current_step_id is None:
        return False
    steps = workflow_steps(
        catalog_cache.version(dossier.procedure_version_id), dossier.processing_agency
    )
    current = next((s for s in steps if s.pk == dossier.current_step_id), None)
    return current is not None and is_decision_step(current, steps)


def sign_result(
    *,
    actor: Any,
    dossier: Dossier,
    passphrase: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
    request: Any = None,
) -> SignedResult:
    """The workflow's "sign" action with a real signature: the result PDF is rendered,
    signed by ``actor`` with their key (``passphrase`` unlocks it) and sealed with the
    agency's seal (PAdES B-LTA), stored as a result file with its hash, and the
    dossier moves on (record_result at the decision step, advance "sign" elsewhere)."""
    now = now or timezone.now()
    require(actor, Action.SIGN, dossier)
    trust = Trust.configured()
    with _Keys(actor, dossier.processing_agency_id, passphrase, trust, now) as unlocked:
        return _sign_one(
            actor=actor,
            dossier=dossier,
            unlocked=unlocked,
            trust=trust,
            note=note,
            expected_version=expected_version,
            now=now,
            request=request,
        )


def sign_batch(
    *,
    actor: Any,
    dossier_ids: list[int],
    passphrase: str,
    note: str = "",
    progress: Callable[[BatchItem], None] | None = None,
    now: datetime.datetime | None = None,
    request: Any = None,
) -> Batch:
    """Sign many results in one action, the key unlocked once (``start_batch``, run to
    its end). ``progress`` is called after each item."""
    run = start_batch(
        actor=actor,
        dossier_ids=dossier_ids,
        passphrase=passphrase,
        note=note,
        now=now,
        request=request,
    )
    for item in run:
        if progress is not None:
            progress(item)
    return run.batch


def start_batch(
    *,
    actor: Any,
    dossier_ids: list[int],
    passphrase: str,
    note: str = "",
    now: datetime.datetime | None = None,
    request: Any = None,
) -> BatchRun:
    """Unlock the keys once and record the batch; iterating the answer signs the
    dossiers one by one, yielding each item when it is done (the page streams them).
    Each dossier is signed and moved on in its own transaction, or not at all: a
    failure is recorded on its item (code and messages) and the batch goes on. Refused
    as a whole (nothing written) when the keys do not open."""
    rules.check_batch(dossier_ids)
    now = now or timezone.now()
    officer = actor.officer_or_none
    if officer is None:
        from egov.core.errors import NotPermitted

        raise NotPermitted("sign")
    trust = Trust.configured()
    unlocked = _Keys(actor, officer.agency_id, passphrase, trust, now).__enter__()
    try:
        with transaction.atomic():
            batch = Batch.objects.create(actor=actor, created_at=now, total=len(dossier_ids))
            items = BatchItem.objects.bulk_create(
                [BatchItem(batch=batch, dossier_id=pk) for pk in dossier_ids]
            )
            audit.record(
                actor=actor,
                action="signing.batch_started",
                obj=batch,
                agency_id=officer.agency_id,
                changes={"dossiers": list(dossier_ids)},
            )
    except BaseException:
        unlocked.__exit__(None, None, None)
        raise
    return BatchRun(actor, batch, items, unlocked, trust, note, request, officer.agency_id)


class BatchRun:
    """A started batch: iterate it (once) to sign; the keys are closed at its end, or
    when the iteration is closed early (a client that went away)."""

    def __init__(self, actor, batch, items, unlocked, trust, note, request, agency_id):
        self.actor, self.batch, self.items = actor, batch, items
        self.unlocked, self.trust, self.note, self.request = unlocked, trust, note, request
        self.agency_id = agency_id

    def __iter__(self):
        try:
            dossiers = Dossier.objects.select_related("procedure_version", "processing_agency")
            found = {d.pk: d for d in dossiers.filter(pk__in=[i.dossier_id for i in self.items])}
            for item in self.items:
                self._sign(item, found.get(item.dossier_id))
                yield item
            with transaction.atomic():
                self.batch.finished_at = timezone.now()
                self.batch.save(update_fields=["finished_at"])
                audit.record(
                    actor=self.actor,
                    action="signing.batch_finished",
                    obj=self.batch,
                    agency_id=self.agency_id,
                    changes={
                        "signed": sum(i.state == BatchItem.State.SIGNED for i in self.items),
                        "failed": sum(i.state == BatchItem.State.FAILED for i in self.items),
                    },
                )
        finally:
            self.unlocked.__exit__(None, None, None)

    def _sign(self, item: BatchItem, dossier: Dossier | None) -> None:
        try:
            if dossier is None:
                raise DomainError("dossier_unknown", "Không có hồ sơ này.", "No such dossier.")
            require(self.actor, Action.SIGN, dossier)
            signed = _sign_one(
                actor=self.actor,
                dossier=dossier,
                unlocked=self.unlocked,
                trust=self.trust,
                note=self.note,
                expected_version=None,
                now=timezone.now(),
                request=self.request,
            )
        except DomainError as refused:
            item.state, item.error_code = BatchItem.State.FAILED, refused.code
            item.message, item.message_en = refused.message[:500], refused.message_en[:500]
        else:
            item.state, item.signed = BatchItem.State.SIGNED, signed
        item.save(update_fields=["state", "error_code", "message", "message_en", "signed"])


# ---------------------------------------------------------------- verification


def verify_upload(*, actor: Any, data: bytes, code: str = "", client: str = "") -> dict:
    """The validation report of an uploaded file (see ``verify.verify_pdf``), with
    whether it is the file registered for the dossier ``code`` (or, without a code,
    for which dossier it is registered). Nothing of the file is stored: one audit
    entry says who checked what (its hash and the verdict)."""
    from egov.signing import verify

    rules.check_size(len(data), conf.verify_max_bytes())
    rules.check_pdf(data)
    report = verify.verify_pdf(data, Trust.configured())
    digest = report["sha256"]
    code = code.strip().upper()[:30]
    if code:
        report["registered"] = {
            "dossier_code": code,
            "matches": digest in queries.registered_hashes(code),
        }
    else:
        found = queries.code_of_hash(digest)
        report["registered"] = {"dossier_code": found, "matches": found is not None}
    with transaction.atomic():
        audit.record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action="signing.verified",
            object_type="signing.upload",
            object_id=digest,
            changes={
                "indication": report["indication"],
                "sub_indication": report.get("sub_indication"),
                "code": code,
                "matches": report["registered"]["matches"],
                "client": client[:64],
            },
        )
    return report
