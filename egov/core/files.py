"""Stored files: what an upload is (decided by its content, fully), the random name it
is stored under, and how a permitted read is delivered.

Nothing under ``MEDIA_ROOT`` is served by URL: a file goes out only through a view
that has checked the access policy and written an audit entry (for dossiers,
``egov.dossiers.views.files``), which ends with ``respond``. How the bytes leave is
the setting ``EGOV_FILE_DELIVERY``:

- ``django``: the process streams the file (``FileResponse``), the default;
- ``x-accel-redirect``: nginx serves it from an ``internal`` location
  (``EGOV_FILE_ACCEL_PREFIX`` + the storage name);
- ``x-sendfile``: Apache (mod_xsendfile) or lighttpd serve it from its path;
- ``signed-url``: the files are in a private S3-compatible bucket (django-storages) and
  the view redirects to a signed URL that expires after ``EGOV_FILE_URL_SECONDS``,
  with the type and the download name fixed in the signature.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header

# The types an upload may be, each with the extension it is stored and downloaded
# with. All of them are shown inline (a browser's PDF viewer or image view); any
# other type (none is accepted today) would be downloaded.
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
INLINE_TYPES = frozenset(EXTENSIONS)

# Markup a browser would run if it ever took the file for a page. None of these can
# occur by chance in a scan's bytes often enough to matter (7+ fixed bytes each, and
# not a PDF hex string: every one has a letter that is not a hex digit), so a file
# holding one is a polyglot, not a scan.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|frameset|svg|object|embed|!doctype)\b|javascript:",
    re.IGNORECASE,
)
_PNG_END = b"IEND\xaeB`\x82"
# An A3 page scanned at 600 dpi is 70 million pixels; beyond this a picture is no scan.
MAX_PIXELS = 80_000_000


@dataclass(frozen=True)
class Verdict:
    """What the content check decided: the type (``""``: refused) and why not."""

    content_type: str
    reason: str = ""


def read_all(file: Any) -> bytes:
    """The whole upload (at most the per-file limit, checked before), then back to its
    start so that storing it writes every byte."""
    file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    file.seek(0)
    return data


def _pdf_opens(data: bytes) -> bool:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            return False
        return len(reader.pages) >= 1
    except Exception:  # a malformed file can fail the parser in any way
        return False


def _image_problem(data: bytes, expected: str) -> str:
    """Why the image is refused ("" if it decodes whole)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return "image_invalid"
            if image.width * image.height > MAX_PIXELS:
                # A few compressed kilobytes can declare a picture that takes gigabytes
                # to decode: refused before decoding.
                return "image_too_large"
            image.verify()
        # verify() checks the structure only; load() decodes every pixel.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # a malformed image can fail the decoder in any way
        return "image_invalid"
    return ""


def inspect(data: bytes) -> Verdict:
    """The type of an upload decided by its content, fully: a PDF must open with a PDF
    library and end at its ``%%EOF``, an image must be decoded whole by Pillow and end
    at its end marker, and no file may hold page markup or script (a polyglot). The
    client's name and declared type play no part."""
    if _MARKUP.search(data):
        return Verdict("", "markup")
    trimmed = data.rstrip(b"\x00\r\n\t ")
    if data.startswith(b"%PDF-"):
        if not trimmed.endswith(b"%%EOF") or not _pdf_opens(data):
            return Verdict("", "pdf_invalid")
        return Verdict("application/pdf")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        problem = _image_problem(data, "PNG") if data.endswith(_PNG_END) else "image_invalid"
        return Verdict("", problem) if problem else Verdict("image/png")
    if data.startswith(b"\xff\xd8\xff"):
        # Bytes after the end-of-image marker are not part of the picture: they are
        # how a script is hidden behind a valid JPEG.
        ends = data.rstrip(b"\x00").endswith(b"\xff\xd9")
        problem = _image_problem(data, "JPEG") if ends else "image_invalid"
        return Verdict("", problem) if problem else Verdict("image/jpeg")
    return Verdict("", "unknown_type")


def clean_name(name: str, limit: int = 200) -> str:
    """The client's file name as shown and offered for download: its last path part,
    NFC, without control or quote characters, at most ``limit`` characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>:*?|;')
    base = base.strip(" .")
    if len(base) > limit:
        stem, ext = os.path.splitext(base)
        base = stem[: limit - len(ext[:10])] + ext[:10]
    return base


def download_name(original: str, content_type: str) -> str:
    """The name a download is saved under: the client's name with the extension of the
    type the content was found to be (``x.html`` that is a PDF saves as ``x.pdf``)."""
    stem = os.path.splitext(clean_name(original))[0] or "tep"
    return stem + EXTENSIONS.get(content_type, ".bin")


def storage_name(prefix: str, content_type: str) -> str:
    """A random name under ``prefix/<year>/<month>/``: nothing of the client's name, so
    names can neither be guessed nor carry an extension the content did not earn."""
    now = timezone.localtime()
    ext = EXTENSIONS.get(content_type, ".bin")
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}{ext}"


def respond(field_file: Any, *, content_type: str, filename: str) -> HttpResponse:
    """The response that hands a permitted file to the client (or to the web server in
    front, ``EGOV_FILE_DELIVERY``). PDF and images open inline, anything else is a
    download; the type is the one decided at upload, never the browser's guess, and the
    response may run nothing (``sandbox``)."""
    name = field_file.name
    storage = field_file.storage
    if not name or not storage.exists(name):
        raise Http404("no such file")
    inline = content_type in INLINE_TYPES
    content_type = content_type if inline else "application/octet-stream"
    mode = settings.EGOV_FILE_DELIVERY
    disposition = content_disposition_header(not inline, filename)
    if mode == "signed-url":
        # The bucket answers from its own origin, so nothing in it can run on ours; the
        # signature fixes the type and the disposition the bucket must answer with.
        url = storage.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.EGOV_FILE_URL_SECONDS,
        )
        response: HttpResponse = HttpResponseRedirect(url)
    elif mode == "django":
        response = FileResponse(
            storage.open(name, "rb"),
            content_type=content_type,
            as_attachment=not inline,
            filename=filename,
        )
    else:
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = disposition
        if mode == "x-accel-redirect":
            prefix = settings.EGOV_FILE_ACCEL_PREFIX.rstrip("/")
            response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
        else:
            response["X-Sendfile"] = storage.path(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    # Scans carry personal data: no shared or disk cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
