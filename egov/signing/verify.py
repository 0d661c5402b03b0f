"""Verification of signed PDFs, answered in the shape of the ETSI validation
conclusion (EN 319 102-1) that EU DSS and SiVa use: ``indication`` (TOTAL_PASSED,
TOTAL_FAILED, INDETERMINATE, NO_SIGNATURE_FOUND), ``sub_indication``, counts, and per
signature the signer, organisation, signing and timestamp times, chain and trust,
revocation status, level (B-B ... B-LTA) and coverage.

pyHanko validates each signature against the configured trust (``trust.Trust``) and
the revocation data embedded in the document (DSS), never fetching anything: a
verdict depends on the file and the configuration only. A signature whose
certificate has expired since is validated at the time of its RFC 3161 timestamp
(proof of existence) when that timestamp and the document timestamps are valid: the
point of B-LTA. This is a simplified form of the ETSI long-term validation (see
docs/signing.md)."""

from __future__ import annotations

import datetime
import hashlib
import io
from typing import Any

from egov.signing.trust import Trust

PASSED, FAILED, INDETERMINATE, NONE = (
    "TOTAL_PASSED",
    "TOTAL_FAILED",
    "INDETERMINATE",
    "NO_SIGNATURE_FOUND",
)
_RANK = {PASSED: 0, INDETERMINATE: 1, FAILED: 2}


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _name(cert: Any, field: str) -> str:
    try:
        return str(cert.subject.native.get(field, "") or "")
    except (AttributeError, ValueError):
        return ""


def _chain(status: Any, cert: Any) -> list[dict[str, Any]]:
    path = getattr(status, "validation_path", None)
    certs = []
    if path is not None:
        certs = list(path.iter_certs(include_root=True))[::-1]
    if not certs:
        certs = [cert]
    return [
        {
            "subject": c.subject.human_friendly,
            "issuer": c.issuer.human_friendly,
            "serial": format(c.serial_number, "X"),
            "not_before": _iso(c.not_valid_before),
            "not_after": _iso(c.not_valid_after),
        }
        for c in certs
    ]


def _sub_indication(status: Any) -> tuple[str, str | None]:
    if not status.intact:
        return FAILED, "HASH_FAILURE"
    if not status.valid:
        return FAILED, "SIG_CRYPTO_FAILURE"
    if getattr(status, "revoked", False):
        return FAILED, "REVOKED"
    if status.trusted:
        return PASSED, None
    indic = status.trust_problem_indic
    if indic is None:
        return INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND"
    name = indic.standard_name
    if name == "EXPIRED":
        name = "OUT_OF_BOUNDS_NO_POE"
    if name == "REVOKED":
        return FAILED, "REVOKED"
    return (FAILED if indic.status.name == "FAILED" else INDETERMINATE), name


def _level(embedded: Any, status: Any, dss: Any, timestamps_after: bool) -> str:
    level = "B-B"
    if status.timestamp_validity is not None:
        level = "B-T"
        if dss is not None and (dss.ocsps or dss.crls):
            level = "B-LT"
            if timestamps_after:
                level = "B-LTA"
    return level


def _validate(embedded: Any, trust: Trust, dss: Any, moment: datetime.datetime | None):
    from pyhanko.sign.validation import validate_pdf_signature

    kwargs = trust.context_kwargs(moment=moment, fetching=False, revocation_mode="soft-fail")
    if dss is not None:
        signer_vc = dss.as_validation_context(kwargs)
        ts_vc = dss.as_validation_context(kwargs | {"moment": None, "best_signature_time": None})
    else:
        from pyhanko_certvalidator import ValidationContext

        signer_vc = ValidationContext(**kwargs)
        ts_vc = ValidationContext(**(kwargs | {"moment": None, "best_signature_time": None}))
    return validate_pdf_signature(
        embedded, signer_validation_context=signer_vc, ts_validation_context=ts_vc
    )


def verify_pdf(data: bytes, trust: Trust) -> dict[str, Any]:
    """The validation report of ``data`` (a readable, unencrypted PDF: see
    ``rules.check_pdf``)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import (
        DocumentSecurityStore,
        SignatureCoverageLevel,
        validate_pdf_timestamp,
    )

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # no /DSS, or an unreadable one: no embedded revocation data
        dss = None
    report: dict[str, Any] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "signatures": [],
        "document_timestamps": [],
    }
    everything = list(reader.embedded_signatures)
    stamps = list(reader.embedded_timestamp_signatures)
    regular = list(reader.embedded_regular_signatures)
    report["signatures_count"] = len(regular)
    if not regular:
        report.update(indication=NONE, sub_indication=None, valid_signatures_count=0)
        return report

    kwargs = trust.context_kwargs(fetching=False, revocation_mode="soft-fail")
    stamps_ok, stamp_statuses = True, []
    for embedded in stamps:
        from pyhanko_certvalidator import ValidationContext

        vc = dss.as_validation_context(kwargs) if dss is not None else ValidationContext(**kwargs)
        status = validate_pdf_timestamp(embedded, validation_context=vc)
        stamp_statuses.append(status)
        ok = status.intact and status.valid and status.trusted
        stamps_ok = stamps_ok and ok
        report["document_timestamps"].append(
            {
                "field": embedded.field_name,
                "time": _iso(status.timestamp),
                "intact": status.intact,
                "valid": ok,
                "whole_document_covered": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            }
        )

    def tail_changed(status: Any) -> bool:
        # Nothing but revocation data and document timestamps may follow the last
        # signature or timestamp (a field added, a page changed: refused).
        modification = status.modification_level
        return status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
            modification is None or modification > ModificationLevel.LTA_UPDATES
        )

    last_name = everything[-1].field_name
    tail = bool(stamps) and stamps[-1].field_name == last_name and tail_changed(stamp_statuses[-1])
    entries = []
    for embedded in regular:
        status = _validate(embedded, trust, dss, None)
        indication, sub = _sub_indication(status)
        tst = status.timestamp_validity
        tst_ok = tst is not None and tst.intact and tst.valid and tst.trusted
        validated_at = "now"
        if sub == "OUT_OF_BOUNDS_NO_POE" and tst_ok and stamps_ok:
            # Expired since: validate as at the time the timestamp proves it existed.
            status = _validate(embedded, trust, dss, tst.timestamp)
            indication, sub = _sub_indication(status)
            validated_at = "timestamp"
        later = [s for s in stamps if s.signed_revision > embedded.signed_revision]
        modification = status.modification_level
        changed = status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
            modification is None or modification > ModificationLevel.FORM_FILLING
        )
        if embedded.field_name == last_name:
            tail = tail_changed(status)
        cert = status.signing_cert
        details = getattr(status, "revocation_details", None)
        entries.append(
            (
                indication,
                sub,
                changed,
                {
                    "field": embedded.field_name,
                    "signer": _name(cert, "common_name"),
                    "title": _name(cert, "title"),
                    "organisation": _name(cert, "organization_name"),
                    "signing_time": _iso(status.signer_reported_dt),
                    "timestamp_time": _iso(tst.timestamp) if tst is not None else None,
                    "timestamp_valid": tst_ok,
                    "certificate_chain": _chain(status, cert),
                    "trusted": bool(status.trusted),
                    "revocation": {
                        "status": "revoked"
                        if getattr(status, "revoked", False) or sub == "REVOKED"
                        else ("good" if status.trusted else "unknown"),
                        "revoked_at": _iso(details.revocation_date) if details else None,
                        "embedded": dss is not None and bool(dss.ocsps or dss.crls),
                    },
                    "level": _level(embedded, status, dss, bool(later)),
                    "intact": bool(status.intact),
                    "coverage": status.coverage.name if status.coverage else None,
                    "modifications_after": modification.name if modification is not None else None,
                    "validated_at": validated_at,
                },
            )
        )
    valid_count, worst, worst_sub = 0, PASSED, None
    for indication, sub, changed, entry in entries:
        changed = changed or tail
        if changed and indication == PASSED:
            indication, sub = FAILED, "SIG_CONSTRAINTS_FAILURE"
        entry.update(indication=indication, sub_indication=sub, whole_document_covered=not changed)
        if indication == PASSED:
            valid_count += 1
        if _RANK[indication] > _RANK[worst]:
            worst, worst_sub = indication, sub
        report["signatures"].append(entry)
    if worst == PASSED and not stamps_ok:
        worst, worst_sub = INDETERMINATE, "TIMESTAMP_ORDER_FAILURE"
    report.update(indication=worst, sub_indication=worst_sub, valid_signatures_count=valid_count)
    return report
