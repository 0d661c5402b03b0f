"""Access to the portal's personal pages: logged in as a citizen or business.

A session that expired while the person was typing must not lose what was typed:
a form POSTed without a session keeps its text fields (not its files: they need an
owner) in the new anonymous session under ``PENDING``, the person logs in, and the
page they come back to applies them (``take_pending``). Django's ``login`` keeps the
session's data when it rotates the key."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PENDING = "portal_pending_post"
KEPT_FIELDS = 40


def applicant_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            if request.method == "POST":
                kept = {
                    k: v[:2000]
                    for k, v in list(request.POST.items())[:KEPT_FIELDS]
                    if k != "csrfmiddlewaretoken"
                }
                request.session[PENDING] = {"path": request.path, "data": kept}
            return redirect_to_login(request.path)
        if user.is_superuser or user.officer_or_none is not None:
            raise PermissionDenied("applicants only")
        return view(request, *args, **kwargs)

    return wrapper


def take_pending(request) -> dict | None:
    """The fields POSTed to this very page when the session had expired, once."""
    pending = request.session.get(PENDING)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[PENDING]
    return pending.get("data") or {}
