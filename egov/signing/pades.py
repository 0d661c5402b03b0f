"""PAdES signing with pyHanko: the officer's signature, then the organisation's
seal, on the same PDF, each an incremental update with its own signature timestamp
(RFC 3161, B-T) and its certificates' revocation data (CRL/OCSP) in the document
security store (B-LT); the seal's update ends with a document timestamp (B-LTA), so
that both signatures can still be checked after the certificates expire.

SHA-256 throughout; subfilter ETSI.CAdES.detached."""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass
from typing import Any

from egov.core.errors import DomainError
from egov.signing import appearance
from egov.signing.trust import Trust

PERSONAL_FIELD = "ChuKyCaNhan"
SEAL_FIELD = "ConDau"
LEVEL = "B-LTA"


@dataclass
class Part:
    """One signature to add: the pyHanko signer and what its stamp shows."""

    signer: Any
    name: str
    image_png: bytes = b""


@functools.lru_cache(maxsize=8)
def _timestamper(url: str) -> Any:
    """One timestamp client per TSA for the process. pyHanko's client keeps a sample
    answer to size the signature with, so a kept client asks the TSA once per signature
    instead of twice; the requests-based one also avoids a new TLS context per call."""
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=20)


def _sign_once(
    data: bytes,
    part: Part,
    *,
    field: str,
    box: appearance.Box,
    picture: Any,
    trust: Trust,
    tsa_url: str,
    lta: bool,
    reason: str,
) -> bytes:
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, TimestampDSSContentSettings
    from pyhanko.stamp import StaticStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location="Việt Nam",
        embed_validation_info=True,
        validation_context=trust.signing_context,
        use_pades_lta=lta,
        # The document timestamp ends the file (its TSA's revocation data goes in
        # before it), so that a reader sees every byte covered by it, pdfsig included.
        dss_settings=DSSContentSettings(
            include_vri=False,
            next_ts_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False),
        ),
    )
    signer = signers.PdfSigner(
        meta,
        signer=part.signer,
        timestamper=_timestamper(tsa_url),
        stamp_style=StaticStampStyle(background=PdfImage(picture), border_width=0),
        new_field_spec=fields.SigFieldSpec(field, on_page=-1, box=box.tuple),
    )
    out = io.BytesIO()
    signer.sign_pdf(writer, output=out)
    return out.getvalue()


def sign(
    data: bytes,
    *,
    personal: Part,
    seal: Part | None,
    trust: Trust,
    tsa_url: str,
    signed_at: datetime.datetime,
) -> bytes:
    """``data`` signed by the officer and sealed by the organisation (PAdES B-LTA).
    Raises ``DomainError`` ``signing_failed`` (with pyHanko's reason in ``details``)
    when a certificate cannot be validated or the TSA does not answer: nothing is
    returned half-signed."""
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps import TimestampRequestError

    try:
        out = _sign_once(
            data,
            personal,
            field=PERSONAL_FIELD,
            box=appearance.SIGNATURE,
            picture=appearance.signature_image(personal.name, signed_at, personal.image_png),
            trust=trust,
            tsa_url=tsa_url,
            lta=seal is None,
            reason="Phê duyệt kết quả giải quyết thủ tục hành chính",
        )
        if seal is not None:
            out = _sign_once(
                out,
                seal,
                field=SEAL_FIELD,
                box=appearance.SEAL,
                picture=appearance.seal_image(seal.name, seal.image_png),
                trust=trust,
                tsa_url=tsa_url,
                lta=True,
                reason="Đóng dấu của cơ quan",
            )
    except TimestampRequestError as exc:
        raise DomainError(
            "timestamp_unavailable",
            "Máy chủ cấp dấu thời gian không trả lời: chưa ký được, thử lại sau.",
            "The timestamp authority did not answer: nothing was signed, try again later.",
            details={"reason": str(exc)[:300]},
        ) from exc
    except (SigningError, OSError, ValueError) as exc:
        raise DomainError(
            "signing_failed",
            "Không ký được tài liệu (chứng thư số không kiểm tra được hoặc lỗi thiết bị ký).",
            "The document could not be signed (certificate not verifiable, or a device error).",
            details={"reason": str(exc)[:300]},
        ) from exc
    return out
