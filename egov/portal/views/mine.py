"""The public home page, "Hồ sơ của tôi" and one dossier of the person: status in plain
words, history, due date, what is expected of them now (pay, supplement, collect the
result, rate), the applicant's actions of the one action registry (answer a
supplement, withdraw...), the results to download and the rating."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core import audit
from egov.core.errors import DomainError
from egov.dossiers.actions import missing_components, offers
from egov.dossiers.views.actions import perform
from egov.portal import queries, rules, services
from egov.portal.views.common import applicant_required, take_pending


def home(request):
    user = request.user
    applicant = user.is_authenticated and user.officer_or_none is None and not user.is_superuser
    context = {"applicant": applicant}
    if applicant:
        rows, _more = queries.my_dossiers(user)
        context["todo"] = [d for d in rows if d.todo][:5]
        context["drafts"] = queries.open_applications(user)[:3]
    return render(request, "portal/home.html", context)


@applicant_required
def mine(request):
    try:
        page = max(int(request.GET.get("trang", "1")), 1)
    except ValueError:
        page = 1
    rows, more = queries.my_dossiers(request.user, page=page)
    return render(
        request,
        "portal/mine.html",
        {
            "rows": rows,
            "page": page,
            "more": more,
            "drafts": queries.open_applications(request.user) if page == 1 else [],
        },
    )


def pay_url(code: str) -> str:
    """The online payment page (``payments:pay_online``) when it is installed."""
    try:
        return reverse("payments:pay_online", kwargs={"code": code})
    except NoReverseMatch:
        return ""


def signed_result(dossier):
    """The signed electronic result (only a finished dossier has one)."""
    from egov.signing import queries as signing_queries

    if dossier.status not in ("finished", "returned"):
        return None
    return signing_queries.signed_result(dossier)


class ApplicantOffer:
    """An action of the registry as the applicant reads it (the desk's label "Nhận hồ sơ
    bổ sung" becomes "Gửi giấy tờ bổ sung"); everything else is the registry's."""

    def __init__(self, offer):
        self.offer = offer

    def __getattr__(self, name):
        return getattr(self.offer, name)

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        pair = APPLICANT_LABELS.get(self.offer.key)
        if pair is None:
            return self.offer.label
        return pair[1] if (get_language() or "vi").startswith("en") else pair[0]


APPLICANT_LABELS = {
    "supply": ("Gửi giấy tờ bổ sung", "Send the missing papers"),
    "supply_at_reception": ("Gửi giấy tờ bổ sung", "Send the missing papers"),
    "withdraw": ("Rút hồ sơ", "Withdraw the dossier"),
    "attach_file": ("Gửi thêm tệp cho một giấy tờ", "Send a file for a paper"),
}


def _context(request, dossier, *, error=None, error_action="", post=None, rating_errors=None):
    components = list(dossier.components.all())
    actions = [
        ApplicantOffer(o)
        for o in offers(request.user, dossier, components, [])
        if o.key not in HIDDEN_ACTIONS
    ]
    application = dossier.application_row
    events = list(dossier.events.all())
    supplement = next(
        (
            e
            for e in reversed(events)
            if e.action in ("request_supplement", "request_reception_supplement")
        ),
        None,
    )
    return {
        "d": dossier,
        "components": [c for c in components if c.provided],
        "events": events,
        "results": list(dossier.result_files.all()),
        "signed": signed_result(dossier),
        "actions": actions,
        "missing_rows": missing_components(dossier, components),
        "supplement": supplement if dossier.status in rules.SUPPLEMENT_STATES else None,
        "application": application,
        "delivery": rules.DELIVERY_LABELS.get(application.delivery, "") if application else "",
        "pay_url": pay_url(dossier.code) if "pay" in dossier.todo else "",
        "questions": _questions(),
        "error": error,
        "error_action": error_action,
        "post": post,
        "rating_errors": rating_errors or {},
        "portal": True,
    }


# The applicant's fee is paid on its own page (online payment), not as a desk action.
HIDDEN_ACTIONS = {"record_payment"}


def _questions():
    from django.utils.translation import get_language

    english = (get_language() or "vi").startswith("en")
    pick = 1 if english else 0
    return [
        {
            "name": name,
            "text": question[pick],
            "choices": [(2 - i, choice[pick]) for i, choice in enumerate(choices)],
        }
        for name, question, choices in rules.RATING_QUESTIONS
    ]


@applicant_required
def dossier(request, code: str):
    found = queries.my_dossier(request.user, code)
    if found is None:
        raise Http404("no such dossier")
    context = _context(request, found)
    pending = take_pending(request)
    if pending:
        context["post"] = pending
    return render(request, "portal/dossier.html", context)


@require_POST
@applicant_required
def action(request, code: str, key: str):
    """An applicant's action of the registry (the same service and checks as the API's
    ``POST /api/v1/dossiers/<code>/actions/<name>``)."""
    found = queries.my_dossier(request.user, code)
    if found is None or key in HIDDEN_ACTIONS:
        raise Http404("no such dossier")
    try:
        perform(key, request, found, list(found.components.all()))
    except KeyError:
        raise Http404("no such action") from None
    except DomainError as error:
        fresh = queries.my_dossier(request.user, code)
        context = _context(request, fresh, error=error, error_action=key, post=request.POST)
        return render(request, "portal/dossier.html", context, status=error.status)
    messages.success(request, _("Đã gửi. Cơ quan giải quyết sẽ tiếp tục xử lý hồ sơ."))
    return redirect("portal:dossier", code=code)


@require_POST
@applicant_required
def rate(request, code: str):
    found = queries.my_dossier(request.user, code)
    if found is None:
        raise Http404("no such dossier")
    try:
        services.rate(actor=request.user, dossier=found, data=request.POST)
    except DomainError as error:
        audit.record(
            actor=request.user,
            action="portal.rating_refused",
            obj=found,
            changes={"code": error.code},
        )
        errors = {e["field"]: e for e in (error.details or {}).get("errors", []) if e.get("field")}
        context = _context(
            request,
            found,
            error=error,
            error_action="rate",
            post=request.POST,
            rating_errors=errors,
        )
        return render(request, "portal/dossier.html", context, status=error.status)
    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("portal:dossier", code=code)
