"""Writes of the citizen portal: an online application saved step by step with its
files, submitted exactly once through the same service as the API
(``egov.dossiers.services.submit_online``), and the rating of a returned dossier.

Exactly once: the submission first claims the application with a conditional update
(``submitted_at`` still empty) in the same transaction as the dossier it creates. A
double click, a second tab or a retry after a dropped connection finds it claimed
and gets the dossier the first one created; on PostgreSQL the second claim waits for
the first transaction and then sees its result, on SQLite transactions are taken
one at a time (``transaction_mode`` IMMEDIATE)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from egov.catalog import cache as catalog_cache
from egov.catalog import eform
from egov.catalog.models import Procedure
from egov.core import audit
from egov.core.errors import DomainError
from egov.directory.models import Agency, ApplicantProfile, User
from egov.dossiers import rules as dossier_rules
from egov.dossiers import services as dossier_services
from egov.dossiers.files import clean_name
from egov.dossiers.models import Dossier, DossierComponent
from egov.dossiers.services.base import ComponentInput
from egov.portal import rules
from egov.portal.models import Application, ApplicationFile, Rating

APPLICANT_FIELDS = ("address", "phone", "email")
REQUEST_FIELDS = ("summary", "delivery", "post_address")


def version_now(code: str):
    version = catalog_cache.version_in_force(code, timezone.now())
    rules.check_offered_online(version, code)
    return version


def receiving_agencies(version) -> list[Agency]:
    """Where an online dossier of ``version`` may be filed: the agencies named
    competent, or those of the competent tiers (in force today)."""
    items = version.items
    agencies = Agency.objects.in_force(timezone.localdate())
    if items.agency_ids or items.tier_ids:
        agencies = agencies.filter(Q(pk__in=items.agency_ids) | Q(tier_id__in=items.tier_ids))
    return list(agencies.order_by("name")[:500])


def prefill(actor: User) -> dict[str, Any]:
    """What the account knows of its holder: it fills the applicant step (the identity
    itself is the account's and is not typed again)."""
    profile = ApplicantProfile.objects.filter(user=actor).first()
    return {
        "address": (profile.address if profile else "") or "",
        "phone": actor.phone or "",
        "email": actor.email or "",
    }


def identity(actor: User) -> dict[str, Any]:
    """The applicant as the account registered it (name, ID number, date of birth or,
    for a business, its name and tax code): shown, not edited."""
    profile = ApplicantProfile.objects.filter(user=actor).first()
    business = actor.kind == User.Kind.BUSINESS
    return {
        "type": "business" if business else "citizen",
        "name": (profile.organisation_name if business and profile else "")
        or actor.full_name
        or "",
        "id_number": (profile.id_number if profile else "") or "",
        "tax_code": (profile.tax_code if profile else "") or "",
        "birth_date": profile.date_of_birth if profile else None,
    }


@transaction.atomic
def start(*, actor: User, procedure_code: str, agency_id: int) -> Application:
    rules.check_applicant_account(actor)
    version = version_now(procedure_code)
    agency = next((a for a in receiving_agencies(version) if a.pk == agency_id), None)
    if agency is None:
        raise DomainError(
            "agency_not_receiving",
            "Hãy chọn cơ quan tiếp nhận hồ sơ của thủ tục này.",
            "Choose an agency that receives this procedure.",
            field="agency",
        )
    allowed = rules.deliveries(version)
    application = Application.objects.create(
        owner=actor,
        procedure=Procedure.objects.get(code=procedure_code),
        receiving_agency=agency,
        data={**prefill(actor), "summary": version.name[:1000], "delivery": allowed[0]},
        delivery=allowed[0],
    )
    audit.record(
        actor=actor,
        action="portal.application_started",
        obj=application,
        changes={"procedure": procedure_code, "agency": agency.code},
    )
    return application


def _locked(application: Application) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    rules.check_not_submitted(application)
    return application


@transaction.atomic
def save(
    *, actor: User, application: Application, step: str, data: dict[str, Any]
) -> list[DomainError]:
    """Keep what was typed on ``step`` (even with errors: nothing typed is lost) and
    answer the step's errors, all at once."""
    application = _locked(application)
    version = version_now(application.procedure.code)
    if step == "nguoi-nop":
        fields = APPLICANT_FIELDS
        errors = rules.applicant_errors(data)
    elif step == "thong-tin":
        fields = REQUEST_FIELDS
        errors = rules.request_errors(data, rules.deliveries(version))
        errors += eform.clean(version.form_fields, data)[1]
    else:
        return []
    kept = {name: str(data.get(name, "")).strip()[:1000] for name in fields}
    if step == "thong-tin":
        # What was typed in the procedure's own fields, as typed (shown again as is).
        kept["form"] = {
            s["name"]: str(data.get(s["name"], "")).strip()[: eform.MAX_TEXT]
            for s in version.form_fields
        }
    application.data = {**application.data, **kept}
    if step == "thong-tin" and kept["delivery"] in rules.deliveries(version):
        application.delivery = kept["delivery"]
    application.save(update_fields=["data", "delivery", "updated_at"])
    return errors


@transaction.atomic
def attach(*, actor: User, application: Application, files: Any) -> dict[str, DomainError]:
    """Keep the files chosen for the components (``c<id>-file``), each checked by its
    content; a file replaces the one attached before. Answers the refusals by field."""
    application = _locked(application)
    version = version_now(application.procedure.code)
    refused: dict[str, DomainError] = {}
    for component in version.items.components.values():
        name = f"c{component.pk}-file"
        upload = files.get(name)
        if upload is None:
            continue
        try:
            content_type = dossier_rules.check_upload(upload, field=name)
        except DomainError as error:
            refused[name] = error
            continue
        upload.seek(0)
        _replace(
            application,
            component,
            File(upload, name=upload.name),
            original_name=clean_name(upload.name),
            content_type=content_type,
            size=upload.size or 0,
        )
    if files:
        audit.record(
            actor=actor,
            action="portal.application_files",
            obj=application,
            changes={"refused": sorted(refused)},
        )
    return refused


def _replace(application, component, content, **fields) -> ApplicationFile:
    old = ApplicationFile.objects.filter(application=application, component=component).first()
    if old is not None:
        _delete_files([old])
    return ApplicationFile.objects.create(
        application=application, component=component, file=content, **fields
    )


def reusable_files(actor: User, components: list) -> dict[int, list[DossierComponent]]:
    """Files the person handed in with earlier dossiers, by component of the current
    procedure: the same component, or one of the same name (a new version of the
    procedure keeps its components' names)."""
    names = {c.name.strip().casefold(): c.pk for c in components}
    ids = {c.pk for c in components}
    rows = (
        DossierComponent.objects.filter(dossier__applicant_user=actor)
        .exclude(file="")
        .select_related("dossier")
        .order_by("-dossier__submitted_at", "-id")[:200]
    )
    found: dict[int, list[DossierComponent]] = {}
    for row in rows:
        target = (
            row.component_id if row.component_id in ids else names.get(row.name.strip().casefold())
        )
        if target is not None and len(found.setdefault(target, [])) < 3:
            found[target].append(row)
    return found


@transaction.atomic
def reuse(
    *, actor: User, application: Application, component_id: int, source_id: int
) -> ApplicationFile:
    """Attach a copy of a file the person handed in with an earlier dossier."""
    application = _locked(application)
    version = version_now(application.procedure.code)
    component = version.items.components.get(component_id)
    offered = reusable_files(actor, list(version.items.components.values()))
    source = next((r for r in offered.get(component_id, []) if r.pk == source_id), None)
    if component is None or source is None:
        raise DomainError(
            "reuse_not_found",
            "Không tìm thấy tệp trong các hồ sơ trước của bạn.",
            "The file was not found among your earlier dossiers.",
            field=f"c{component_id}-file",
            status=404,
        )
    with source.file.open("rb") as handle:
        content = ContentFile(handle.read(), name=source.original_name or "tep.pdf")
    row = _replace(
        application,
        component,
        content,
        original_name=source.original_name,
        content_type=source.content_type,
        size=source.size,
        reused_from=source,
    )
    audit.record(
        actor=actor,
        action="portal.application_file_reused",
        obj=application,
        changes={"component": component_id, "from_dossier": source.dossier.code},
    )
    return row


@transaction.atomic
def detach(*, actor: User, application: Application, component_id: int) -> None:
    application = _locked(application)
    rows = list(application.files.filter(component_id=component_id))
    _delete_files(rows)


def _delete_files(rows: list[ApplicationFile]) -> None:
    for row in rows:
        name, storage = row.file.name, row.file.storage
        row.delete()
        transaction.on_commit(lambda n=name, s=storage: s.delete(n))


def _applicant(application: Application, actor: User) -> dict[str, Any]:
    who = identity(actor)
    data = application.data
    applicant = {
        "type": who["type"],
        "name": who["name"],
        "address": data.get("address", ""),
        "phone": data.get("phone", ""),
        "email": data.get("email", ""),
    }
    if who["type"] == "business":
        applicant["tax_code"] = who["tax_code"]
    else:
        applicant["id_number"] = who["id_number"]
        applicant["birth_date"] = who["birth_date"]
    return applicant


def problems(application: Application, actor: User, version=None) -> list[DomainError]:
    """Everything that stops the submission, all at once, tied to its step's fields
    (``version``: the procedure's version in force, when the caller has it)."""
    version = version or version_now(application.procedure.code)
    components = list(version.items.components.values())
    attached = set(application.files.values_list("component_id", flat=True))
    return [
        *rules.applicant_errors(application.data),
        *rules.request_errors(application.data, rules.deliveries(version)),
        *eform.clean(version.form_fields, application.data.get("form", {}))[1],
        *rules.file_errors(components, attached),
    ]


def submit(
    *, actor: User, application: Application, consent: bool, now: datetime.datetime | None = None
) -> Dossier:
    """Submit the application once: status 1 ("newly registered"), waiting for the
    desk. A second call (double click, second tab, retry) returns the same dossier."""
    with transaction.atomic():
        claimed = Application.objects.filter(
            pk=application.pk, owner=actor, submitted_at__isnull=True
        ).update(submitted_at=now or timezone.now())
        if not claimed:
            done = Application.objects.select_related("dossier").get(pk=application.pk)
            if done.dossier is None:
                raise DomainError(
                    "application_not_found",
                    "Không tìm thấy hồ sơ đang soạn.",
                    "The application was not found.",
                    status=404,
                )
            return done.dossier
        application = Application.objects.select_related("procedure", "receiving_agency").get(
            pk=application.pk
        )
        rules.check_consent(consent)
        version = version_now(application.procedure.code)
        found = problems(application, actor, version)
        if found:
            first = found[0]
            raise DomainError(
                "application_incomplete",
                "Hồ sơ chưa đủ để nộp: " + "; ".join(e.message for e in found),
                "The application is not complete: " + "; ".join(e.message_en for e in found),
                field=first.field,
                details={"errors": [e.as_dict() for e in found]},
            )
        rows = {f.component_id: f for f in application.files.all()}
        handles = []
        components = []
        for component in version.items.components.values():
            row = rows.get(component.pk)
            if row is None:
                continue
            handle = row.file.open("rb")
            handles.append(handle)
            components.append(
                ComponentInput(
                    component_id=component.pk,
                    name=component.name,
                    file=File(handle, name=row.original_name),
                )
            )
        try:
            dossier = dossier_services.submit_online(
                actor=actor,
                procedure_code=application.procedure.code,
                receiving_agency=application.receiving_agency,
                applicant=_applicant(application, actor),
                components=components,
                summary=application.data.get("summary", ""),
                form_data=application.data.get("form", {}),
                now=now,
            )
        finally:
            for handle in handles:
                handle.close()
        application.dossier = dossier
        application.consent_at = now or timezone.now()
        application.save(update_fields=["dossier", "consent_at", "updated_at"])
        _delete_files(list(application.files.all()))
        audit.record(
            actor=actor,
            action="portal.application_submitted",
            obj=application,
            changes={"dossier": dossier.code, "delivery": application.delivery},
        )
    return dossier


@transaction.atomic
def discard(*, actor: User, application: Application) -> None:
    application = _locked(application)
    _delete_files(list(application.files.all()))
    audit.record(actor=actor, action="portal.application_discarded", obj=application)
    application.delete()


@transaction.atomic
def rate(*, actor: User, dossier: Dossier, data: dict[str, Any]) -> Rating:
    """The applicant rates a returned dossier once (Circular 01/2018 art. 13)."""
    rules.check_may_rate(dossier, actor)
    errors = rules.rating_errors(data)
    if errors:
        raise DomainError(
            errors[0].code,
            errors[0].message,
            errors[0].message_en,
            field=errors[0].field,
            details={"errors": [e.as_dict() for e in errors]},
        )
    if Rating.objects.filter(dossier=dossier).exists():
        raise DomainError(
            "rating_exists",
            "Hồ sơ này đã được đánh giá.",
            "This dossier was already rated.",
            status=409,
        )
    rating = Rating.objects.create(
        dossier=dossier,
        rated_by=actor,
        total_time=int(data["total_time"]),
        contacts=int(data["contacts"]),
        bodies=int(data["bodies"]),
        attitude=int(data["attitude"]),
        comment=data.get("comment", "").strip(),
    )
    audit.record(
        actor=actor,
        action="portal.dossier_rated",
        obj=dossier,
        changes={"total": rating.total},
    )
    return rating
