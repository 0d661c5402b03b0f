"""Reads of the citizen portal: the person's dossiers and applications being filled
in ("Hồ sơ của tôi"), one of their dossiers with its history, what is expected of
them and their files. Everything is bound to the account: a dossier of another
person is not found (404), never "forbidden", so codes cannot be probed."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from egov.catalog import cache as catalog_cache
from egov.dossiers import queries as dossier_queries
from egov.dossiers.models import Dossier, ResultFile
from egov.portal import rules
from egov.portal.models import Application, Rating

PAGE = 20
_LIST_FIELDS = (
    "id",
    "code",
    "status",
    "procedure_version_id",
    "applicant_user_id",
    "submitted_at",
    "due_at",
    "finished_at",
    "returned_at",
    "fee_due",
    "fee_paid",
    "fee_exempted",
)


def mine(actor: Any) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant_user=actor)


def my_dossiers(actor: Any, *, page: int = 1) -> tuple[list[Dossier], bool]:
    """One page of the person's dossiers, newest first, with what they should do now
    (``todo``) and the plain status (``plain``); and whether there is a next page.
    Three queries whatever the page holds: the rows (with whether each is rated), the
    procedure versions (from the catalogue cache) and the online-payable fees."""
    start = (page - 1) * PAGE
    rows = list(
        mine(actor)
        .only(*_LIST_FIELDS)
        .annotate(rated=Exists(Rating.objects.filter(dossier=OuterRef("pk"))))
        .order_by("-submitted_at", "-id")[start : start + PAGE + 1]
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    versions = catalog_cache.versions({d.procedure_version_id for d in rows})
    for d in rows:
        d.procedure_version = versions[d.procedure_version_id]
        decorate(d, rated=d.rated)
    return rows, more


def payable_online(version: Any) -> bool:
    return any(f.payable_online for f in version.fees.all())


def decorate(dossier: Dossier, *, rated: bool) -> Dossier:
    from django.utils.translation import get_language

    english = (get_language() or "vi").startswith("en")
    dossier.plain = rules.plain_status(dossier.status, english)
    version = dossier.procedure_version
    owed = dossier.fee_outstanding > 0
    dossier.todo = rules.expected(
        dossier, rated=rated, payable_online=owed and payable_online(version)
    )
    return dossier


def open_applications(actor: Any) -> list[Application]:
    return list(
        Application.objects.filter(owner=actor, submitted_at__isnull=True)
        .select_related("procedure", "receiving_agency")
        .order_by("-updated_at")[:50]
    )


def application(actor: Any, pk: Any) -> Application | None:
    return (
        Application.objects.filter(owner=actor, pk=pk)
        .select_related("procedure", "receiving_agency", "dossier")
        .first()
    )


def my_dossier(actor: Any, code: str) -> Dossier | None:
    """The person's dossier with its references and rows (components, history,
    results), or None when it is not theirs."""
    found = next(iter(mine(actor).filter(code=code).order_by()[:1]), None)
    if found is None:
        return None
    full = dossier_queries.load_rows([found])[0]
    rating = Rating.objects.filter(dossier=full).first()
    full.my_rating = rating
    decorate(full, rated=rating is not None)
    full.application_row = Application.objects.filter(dossier=full).first()
    return full


def result_file(actor: Any, code: str, pk: int) -> ResultFile | None:
    return (
        ResultFile.objects.filter(dossier__applicant_user=actor, dossier__code=code, pk=pk)
        .select_related("dossier")
        .first()
    )
