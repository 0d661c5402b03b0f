"""Writes to the catalogue. Each function takes ``actor=``, checks the access policy
and the rules, writes in one transaction, appends an audit entry and, when a version
is published, an outbox event (``catalog.procedure_published``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from egov.catalog import content as content_mod
from egov.catalog import rules
from egov.catalog.models import (
    CatalogEntry,
    Component,
    FeeItem,
    Field,
    Participant,
    Procedure,
    ProcedureVersion,
    ResultDocument,
    Workflow,
    WorkflowStep,
)
from egov.catalog.text import normalise
from egov.core import audit, outbox
from egov.core.errors import DomainError, NotPermitted
from egov.core.permissions import Action, filter_for, require
from egov.directory.models import Agency, Tier

PUBLISHED_TOPIC = "catalog.procedure_published"


def _require_editor(actor: Any) -> None:
    """Creating catalogue content (no object to check yet): the actor must be allowed
    to create versions at all."""
    if filter_for(actor, Action.CREATE, ProcedureVersion) is None:
        raise NotPermitted(action=str(Action.CREATE))


def raise_problems(problems: list[rules.Problem]) -> None:
    """Turn the problems found by ``content.validate`` into one DomainError: the first
    problem's code and message, every problem in ``details``."""
    if problems:
        first = problems[0]
        raise DomainError(
            first.code,
            first.message,
            first.message_en,
            field=first.field,
            details=[p.as_dict() for p in problems],
        )


@dataclass
class Lookups:
    """Fields, tiers and agencies by code, read once for many writes (imports)."""

    fields: dict[str, Field] = field(default_factory=dict)
    tiers: dict[str, Tier] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            fields={f.code: f for f in Field.objects.all()},
            tiers={t.code: t for t in Tier.objects.all()},
            agencies={a.code: a for a in Agency.objects.select_related("tier")},
        )

    def known(self) -> content_mod.Known:
        return content_mod.Known(
            fields=set(self.fields),
            tiers=set(self.tiers),
            agency_tiers={code: a.tier.code for code, a in self.agencies.items()},
        )


@transaction.atomic
def save_field(*, actor: Any, code: str, name: str) -> Field:
    """Create a field ("lĩnh vực") or rename it."""
    _require_editor(actor)
    code, name = (code or "").strip(), (name or "").strip()
    rules.check_field_code(code)
    rules.check_required(name, "name", "tên lĩnh vực", "Field name")
    existing = Field.objects.filter(code=code).first()
    if existing is not None:
        if existing.name != name:
            before = existing.name
            existing.name = name
            existing.save(update_fields=["name"])
            CatalogEntry.objects.filter(field_code=code).update(field_name=name)
            audit.record(
                actor=actor,
                action="catalog.field.rename",
                obj=existing,
                changes={"before": {"name": before}, "after": {"name": name}},
            )
        return existing
    created = Field.objects.create(code=code, name=name)
    audit.record(
        actor=actor,
        action="catalog.field.create",
        obj=created,
        changes={"after": {"code": code, "name": name}},
    )
    return created


def _write_content(version: ProcedureVersion, content: dict[str, Any], lk: Lookups) -> None:
    """Store ``content`` on the (draft) ``version``, replacing its items."""
    c = content
    version.name = c["name"].strip()
    version.search_text = normalise(f"{c['code']} {version.name}")
    version.field = lk.fields[c["field_code"]]
    version.legal_basis = c.get("legal_basis", "")
    version.for_citizens = "citizen" in c["applicant_types"]
    version.for_businesses = "business" in c["applicant_types"]
    version.channel_counter = "counter" in c["channels"]
    version.channel_post = "post" in c["channels"]
    version.channel_online = "online" in c["channels"]
    version.time_amount = Decimal(c.get("time_amount") or 0)
    version.time_unit = c["time_unit"]
    version.same_day = bool(c.get("same_day"))
    version.cutoff_15h = bool(c.get("cutoff_15h"))
    version.service_level = c["service_level"]
    version.online_class = c.get("online_class", "")
    version.description = c.get("description", "")
    version.form_fields = c.get("form_fields") or []
    version.fingerprint = content_mod.fingerprint(c)
    version.save()
    version.tiers.set([lk.tiers[t] for t in c.get("tiers", [])])
    version.agencies.set([lk.agencies[a] for a in c.get("agencies", [])])
    for related in (
        version.components,
        version.fees,
        version.results,
        version.participants,
        version.workflows,
    ):
        related.all().delete()
    Component.objects.bulk_create(
        [
            Component(
                version=version,
                order=i,
                name=x["name"].strip(),
                originals=x["originals"],
                certified_copies=x["certified_copies"],
                photocopies=x["photocopies"],
                mandatory=bool(x.get("mandatory", True)),
                reusable=bool(x.get("reusable")),
                template=x.get("template") or "",
            )
            for i, x in enumerate(c.get("components", []), start=1)
        ]
    )
    FeeItem.objects.bulk_create(
        [
            FeeItem(
                version=version,
                order=i,
                name=x["name"].strip(),
                amount=x["amount"],
                collector=x.get("collector", ""),
                payable_online=bool(x.get("payable_online")),
                collected_on_return=bool(x.get("collected_on_return")),
                note=x.get("note", ""),
            )
            for i, x in enumerate(c.get("fees", []), start=1)
        ]
    )
    ResultDocument.objects.bulk_create(
        [
            ResultDocument(version=version, order=i, name=x["name"].strip(), code=x.get("code", ""))
            for i, x in enumerate(c.get("results", []), start=1)
        ]
    )
    Participant.objects.bulk_create(
        [
            Participant(
                version=version,
                order=i,
                is_lead=bool(x.get("is_lead")),
                agency_name=x["agency_name"].strip(),
                agency=lk.agencies.get(x.get("agency") or ""),
                tier=lk.tiers.get(x.get("tier") or ""),
                task=x.get("task", ""),
                time_share=Decimal(x.get("time_share") or 0),
            )
            for i, x in enumerate(c.get("participants", []), start=1)
        ]
    )
    for wf in c.get("workflows", []):
        workflow = Workflow.objects.create(
            version=version,
            agency=lk.agencies.get(wf.get("agency") or ""),
            tier=lk.tiers.get(wf.get("tier") or ""),
        )
        WorkflowStep.objects.bulk_create(
            [
                WorkflowStep(
                    workflow=workflow,
                    order=s["order"],
                    name=s["name"].strip(),
                    role=s["role"],
                    department=s.get("department", ""),
                    hours=s["hours"],
                    actions=list(s["actions"]),
                    is_final=bool(s.get("is_final")),
                )
                for s in wf.get("steps", [])
            ]
        )


def _prepared(content: dict[str, Any]) -> dict[str, Any]:
    full = content_mod.defaults()
    full.update(content)
    full["code"] = (full.get("code") or "").strip()
    return full


@transaction.atomic
def save_draft(
    *,
    actor: Any,
    content: dict[str, Any],
    version: ProcedureVersion | None = None,
    lookups: Lookups | None = None,
) -> ProcedureVersion:
    """Create a new draft version of the procedure ``content["code"]`` (the procedure
    is created on first use), or replace the content of the draft ``version``."""
    content = _prepared(content)
    lk = lookups or Lookups.load()
    if version is None:
        _require_editor(actor)
    else:
        require(actor, Action.CHANGE, version)
        version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        rules.check_version_editable(version)
        if content["code"] != version.procedure.code:
            raise DomainError(
                "procedure_code_changed",
                "Không thể đổi mã của thủ tục.",
                "A procedure's code cannot change.",
                field="code",
            )
    raise_problems(content_mod.validate(content, lk.known(), publish=False))
    if version is None:
        procedure, _ = Procedure.objects.get_or_create(code=content["code"])
        last = procedure.versions.order_by("-number").values_list("number", flat=True).first()
        version = ProcedureVersion(
            procedure=procedure,
            number=(last or 0) + 1,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        action = "catalog.version.create"
        before: dict[str, Any] = {}
    else:
        action = "catalog.version.update"
        before = {"fingerprint": version.fingerprint}
    _write_content(version, content, lk)
    audit.record(
        actor=actor,
        action=action,
        obj=version,
        changes={
            "before": before,
            "after": {
                "code": content["code"],
                "number": version.number,
                "fingerprint": version.fingerprint,
            },
        },
    )
    return version


def latest_published_date_for(code: str) -> datetime.date | None:
    return (
        ProcedureVersion.objects.filter(
            procedure__code=code, status=ProcedureVersion.Status.PUBLISHED
        )
        .order_by("-effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )


def latest_published_date(procedure: Procedure) -> datetime.date | None:
    return (
        procedure.versions.filter(status=ProcedureVersion.Status.PUBLISHED)
        .order_by("-effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )


@transaction.atomic
def publish_version(
    *, actor: Any, version: ProcedureVersion, effective_from: datetime.date
) -> ProcedureVersion:
    """Publish the draft ``version``: from ``effective_from`` it is the version in force
    (and the one new dossiers pin); it can no longer change."""
    require(actor, Action.CHANGE, version)
    # Lock the procedure: two publications of the same procedure must not interleave.
    Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version = ProcedureVersion.objects.select_related("procedure", "field").get(pk=version.pk)
    rules.check_version_editable(version)
    rules.check_effective_from(
        effective_from, latest_published_date(version.procedure), timezone.localdate()
    )
    from egov.catalog import queries

    version = queries.version_with_items(version.pk)
    raise_problems(
        content_mod.validate(
            content_mod.of_version(version), content_mod.Known.load(), publish=True
        )
    )
    version.status = ProcedureVersion.Status.PUBLISHED
    version.effective_from = effective_from
    version.published_at = timezone.now()
    version.save(update_fields=["status", "effective_from", "published_at"])
    refresh_catalog_entries([version.procedure_id])
    audit.record(
        actor=actor,
        action="catalog.version.publish",
        obj=version,
        changes={
            "after": {
                "status": version.status,
                "number": version.number,
                "effective_from": effective_from,
            }
        },
    )
    outbox.emit(
        topic=PUBLISHED_TOPIC,
        aggregate=version.procedure,
        payload={
            "code": version.procedure.code,
            "version": version.pk,
            "number": version.number,
            "effective_from": effective_from,
            "name": version.name,
        },
    )
    return version


@transaction.atomic
def retire_version(*, actor: Any, version: ProcedureVersion) -> ProcedureVersion:
    """Withdraw a published version (published by mistake, or the procedure was
    abolished): it is never in force again; dossiers that pinned it keep it."""
    require(actor, Action.CHANGE, version)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise DomainError(
            "version_not_published",
            "Chỉ thu hồi được phiên bản đã công bố.",
            "Only a published version can be retired.",
            field="status",
        )
    version.status = ProcedureVersion.Status.RETIRED
    version.save(update_fields=["status"])
    refresh_catalog_entries([version.procedure_id])
    audit.record(
        actor=actor,
        action="catalog.version.retire",
        obj=version,
        changes={"before": {"status": "published"}, "after": {"status": "retired"}},
    )
    return version


@transaction.atomic
def refresh_catalog_entries(procedure_ids: list[int] | None = None) -> int:
    """Rebuild the public catalogue entries (``CatalogEntry``) of these procedures
    (None: all) from their published versions; returns the number of entries.
    Called by ``publish_version`` and ``retire_version`` in their transaction; call it
    after writing versions any other way (bulk loads)."""
    versions = (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
        .select_related("procedure", "field")
        .prefetch_related("tiers")
        .order_by("procedure_id", "effective_from", "number")
    )
    stale = CatalogEntry.objects.all()
    if procedure_ids is not None:
        versions = versions.filter(procedure_id__in=procedure_ids)
        stale = stale.filter(procedure_id__in=procedure_ids)
    stale.delete()
    versions = list(versions)
    entries = []
    for i, v in enumerate(versions):
        following = versions[i + 1] if i + 1 < len(versions) else None
        # In force until the next published version of the same procedure takes
        # effect (the same ordering as ``queries.version_in_force``).
        until = (
            following.effective_from
            if following and following.procedure_id == v.procedure_id
            else None
        )
        entries.append(
            CatalogEntry(
                version=v,
                procedure_id=v.procedure_id,
                code=v.procedure.code,
                number=v.number,
                name=v.name,
                search_text=v.search_text,
                effective_from=v.effective_from,
                effective_until=until,
                field_code=v.field.code,
                field_name=v.field.name,
                tier_codes=_spaced(t.code for t in v.tiers.all()),
                time_amount=v.time_amount,
                time_unit=v.time_unit,
                same_day=v.same_day,
                service_level=v.service_level,
                online_class=v.online_class,
            )
        )
    CatalogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


@transaction.atomic
def new_draft_from(*, actor: Any, version: ProcedureVersion) -> ProcedureVersion:
    """Start the next version of a procedure from the content of ``version``."""
    from egov.catalog import queries

    require(actor, Action.CHANGE, version)
    source = queries.version_with_items(version.pk)
    return save_draft(actor=actor, content=content_mod.of_version(source))


def import_version(
    *,
    actor: Any,
    content: dict[str, Any],
    status: str,
    effective_from: datetime.date | None,
    lookups: Lookups | None = None,
) -> tuple[str, ProcedureVersion | None]:
    """Bring one version from an import: skipped when the latest version already has
    this content and state; otherwise a new draft, published when ``status`` says so.
    Returns ("unchanged" | "created" | "published", version)."""
    content = _prepared(content)
    fp = content_mod.fingerprint(content)
    latest = (
        ProcedureVersion.objects.filter(procedure__code=content["code"])
        .exclude(status=ProcedureVersion.Status.RETIRED)
        .order_by("-number")
        .first()
    )
    if (
        latest is not None
        and latest.fingerprint == fp
        and (status == ProcedureVersion.Status.DRAFT or latest.status == status)
    ):
        return "unchanged", latest
    if latest is not None and latest.status == ProcedureVersion.Status.DRAFT:
        version = save_draft(actor=actor, content=content, version=latest, lookups=lookups)
    else:
        version = save_draft(actor=actor, content=content, lookups=lookups)
    if status == ProcedureVersion.Status.PUBLISHED:
        version = publish_version(actor=actor, version=version, effective_from=effective_from)
        return "published", version
    return "created", version


def template_exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


@transaction.atomic
def record_admin_edit(*, actor: Any, version: ProcedureVersion) -> ProcedureVersion:
    """After a draft was edited in the admin: check it like any draft, refresh its
    search key and fingerprint, and audit the edit."""
    from egov.catalog import queries

    require(actor, Action.CHANGE, version)
    version = queries.version_with_items(version.pk)
    rules.check_version_editable(version)
    content = content_mod.of_version(version)
    raise_problems(content_mod.validate(content, content_mod.Known.load(), publish=False))
    before = version.fingerprint
    version.search_text = normalise(f"{content['code']} {version.name}")
    version.fingerprint = content_mod.fingerprint(content)
    version.save(update_fields=["search_text", "fingerprint"])
    audit.record(
        actor=actor,
        action="catalog.version.update",
        obj=version,
        changes={"before": {"fingerprint": before}, "after": {"fingerprint": version.fingerprint}},
    )
    return version


def _spaced(codes) -> str:
    """ " a b " (sorted), so that ``contains=" a "`` matches one whole code."""
    codes = sorted(codes)
    return f" {' '.join(codes)} " if codes else ""
