"""API authentication (``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``).

Kept apart from ``egov.core.api``: DRF imports it while ``rest_framework.views`` is
still loading, so it must not import the views."""

from __future__ import annotations

from rest_framework import authentication, exceptions


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (with its CSRF check), without reading the CSRF
    cookie a second time when Django's CSRF middleware has already read it for this
    request (``CSRF_COOKIE``)."""

    def enforce_csrf(self, request):
        if "CSRF_COOKIE" not in request.META:
            return super().enforce_csrf(request)
        reason = authentication.CSRFCheck(_no_response).process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
        return None


def _no_response(request):  # pragma: no cover (the check never calls the view)
    return None
