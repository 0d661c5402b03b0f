"""Scans kept across a reception form that was sent back (issue 12 point 7): what the
officer attached is checked by its content and kept server-side (``StagedUpload``), the
form shows it as attached, and the next send uses it unless the officer removed it."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from egov.core.errors import DomainError
from egov.dossiers import rules
from egov.dossiers.files import clean_name
from egov.dossiers.models import StagedUpload

KEPT_FOR = datetime.timedelta(days=1)


def field(component_id: int) -> str:
    """The form field carrying the token of a row's staged scan."""
    return f"c{component_id}-staged"


def stage(*, actor: Any, files: Any, components: list) -> tuple[dict[int, StagedUpload], dict]:
    """Keep the scans just chosen for ``components`` (checked by content first); the
    staged uploads by component id, and the refusals of files that are not accepted
    (by form field), which are not kept. The owner's stale staged scans go."""
    discard_stale(actor=actor)
    kept: dict[int, StagedUpload] = {}
    refused: dict[str, DomainError] = {}
    for component in components:
        name = f"c{component.pk}-file"
        upload = files.get(name)
        if upload is None:
            continue
        try:
            content_type = rules.check_upload(upload, field=name)
        except DomainError as error:
            refused[name] = error
            continue
        upload.seek(0)
        kept[component.pk] = StagedUpload.objects.create(
            token=secrets.token_hex(16),
            owner=actor,
            component=component,
            file=File(upload, name=upload.name),
            original_name=clean_name(upload.name),
            content_type=content_type,
            size=upload.size or 0,
        )
    return kept, refused


def staged(*, actor: Any, data: Any, components: list) -> dict[int, StagedUpload]:
    """The staged scans the form carries for ``components`` (``c<id>-staged``), the
    actor's own only, not removed by the officer (``c<id>-unstage``)."""
    tokens = {
        c.pk: data.get(field(c.pk), "")
        for c in components
        if data.get(field(c.pk)) and not data.get(f"c{c.pk}-unstage")
    }
    if not tokens:
        return {}
    rows = StagedUpload.objects.filter(owner=actor, token__in=list(tokens.values()))
    by_token = {row.token: row for row in rows}
    return {
        pk: by_token[token]
        for pk, token in tokens.items()
        if token in by_token and by_token[token].component_id == pk
    }


def as_file(row: StagedUpload) -> File:
    """The staged scan as the services take an upload: its bytes and the client's name."""
    handle = row.file.open("rb")
    return File(handle, name=row.original_name)


def discard(rows: list[StagedUpload]) -> None:
    """Delete staged scans (once used: the dossier holds its own copy)."""
    for row in rows:
        name = row.file.name
        row.delete()
        storage = row.file.storage
        transaction.on_commit(lambda n=name, s=storage: s.delete(n))


def discard_stale(*, actor: Any = None, now: datetime.datetime | None = None) -> int:
    """Delete the staged scans older than ``KEPT_FOR`` (of ``actor``, or everyone's: the
    housekeeping of ``manage.py serve``)."""
    now = now or timezone.now()
    old = StagedUpload.objects.filter(created_at__lt=now - KEPT_FOR)
    if actor is not None:
        old = old.filter(owner=actor)
    rows = list(old[:1000])
    discard(rows)
    return len(rows)
