"""Signed PDFs for the verification tests, made once per session with the
development PKI: valid (B-LTA, officer and seal), tampered, untrusted root, expired,
revoked, unsigned, modified after signing, a signature field added later."""

from __future__ import annotations

import datetime
import io

from egov.signing import devpki, keys, pades
from egov.signing.trust import Trust


def base_pdf() -> bytes:
    from egov.dossiers.forms.pdf import html_to_pdf

    return html_to_pdf(
        "<html><body><p>Kết quả giải quyết thủ tục hành chính: Ủy ban nhân dân tỉnh "
        "Quảng Ninh chấp thuận. Tiếng Việt có dấu: ả ạ ẵ ặ ỗ ộ ữ ự ỹ ỵ Đ đ.</p></body></html>",
        pdf_variant="pdf/a-2b",
    )


def signer(pki: devpki.DevPKI, holder: str):
    return keys.pkcs12_signer(pki.p12(holder), devpki.DEV_PASSPHRASE, [])


def trust_of(pki: devpki.DevPKI) -> Trust:
    return Trust([pki.der("root")], [pki.der("inter")], pki.crls)


def valid(pki: devpki.DevPKI, tsa_url: str) -> bytes:
    return pades.sign(
        base_pdf(),
        personal=pades.Part(signer(pki, "leader"), "Nguyễn Văn An"),
        seal=pades.Part(signer(pki, "seal"), "Ủy ban nhân dân tỉnh Bắc Kạn"),
        trust=trust_of(pki),
        tsa_url=tsa_url,
        signed_at=datetime.datetime.now(datetime.UTC),
    )


def plain_signature(pki: devpki.DevPKI, holder: str, data: bytes | None = None) -> bytes:
    """A PAdES B-B signature with no check before signing: how a certificate that the
    service refuses (expired, revoked, untrusted) could still have signed a file that
    someone brings to the verifier."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data or base_pdf()))
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer(pki, holder)).sign_pdf(writer, output=out)
    return out.getvalue()


def tampered(data: bytes) -> bytes:
    """One byte changed inside the signed bytes (a letter of the page's producer)."""
    at = data.index(b"WeasyPrint")
    return data[:at] + b"X" + data[at + 1 :]


def modified_after(data: bytes) -> bytes:
    """An incremental update after the last signature that changes the page."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (DA SUA) Tj ET")
    contents = page["/Contents"]
    if isinstance(contents, generic.ArrayObject):
        contents.append(writer.add_object(stream))
    else:
        page["/Contents"] = generic.ArrayObject([contents, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def field_added(data: bytes) -> bytes:
    """An empty signature field appended after signing."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    fields.append_signature_field(
        writer, fields.SigFieldSpec("ThemSau", on_page=0, box=(20, 20, 120, 60))
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted(data: bytes | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data or base_pdf())))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
