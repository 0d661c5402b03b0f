"""The notifications of one dossier for the officers who may read it: a section that
the dossier's workspace page loads after itself (htmx), so that the page keeps its own
queries; without JavaScript the same list is a page of its own."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from egov.dossiers.queries import visible
from egov.dossiers.views.common import officer_required
from egov.notifications.queries import masked, notifications_of


@require_GET
@officer_required
def dossier_notifications(request, code: str):
    # The agency columns let the policy check below decide without another query.
    dossier = (
        visible(request.user)
        .filter(code=code)
        .only("id", "code", "receiving_agency_id", "processing_agency_id", "applicant_user_id")
        .first()
    )
    rows = notifications_of(request.user, dossier) if dossier is not None else None
    if rows is None:
        # Outside the officer's scope reads as "no such dossier", as on the dossier page.
        raise Http404("no such dossier")
    rows = list(rows.only(*SHOWN))
    for row in rows:
        row.shown_to = masked(row.recipient)
    context = {"d": dossier, "rows": rows}
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_section.html", context)
    return render(request, "notifications/dossier.html", context)


SHOWN = ("created_at", "sent_at", "kind", "channel", "recipient", "state", "attempts", "dossier")
