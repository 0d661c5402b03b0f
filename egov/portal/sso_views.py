"""The two ends of an SSO login: the redirect to the national SSO (with PKCE, nonce
and ``acr_values``) and the callback. A refused response (wrong state, nonce,
audience, issuer, level, an officer account...) shows a page in Vietnamese and
English, writes an audit entry and nothing else."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from egov.core.errors import DomainError
from egov.portal import accounts
from egov.portal.sso import refused


def refusal_page(request, error: DomainError):
    actor = request.user if request.user.is_authenticated else None
    details = {"message_en": error.message_en}
    if isinstance(error.details, dict):
        details.update(error.details)
    accounts.record_sso_refusal(actor=actor, code=error.code, details=details)
    return render(
        request,
        "portal/accounts/sso_refused.html",
        {"error": error},
        status=error.status if error.status in (400, 403, 409, 502) else 403,
    )


class SsoLoginView(OIDCAuthenticationRequestView):
    def get(self, request):
        if not settings.EGOV_SSO_ENABLED:
            return refusal_page(request, refused("sso_disabled"))
        return super().get(request)

    def get_extra_params(self, request):
        return {"acr_values": settings.EGOV_SSO_ACR_VALUES, "ui_locales": "vi en"}


class SsoCallbackView(OIDCAuthenticationCallbackView):
    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or reverse("account_profile")

    def get(self, request):
        if request.GET.get("error"):
            states = request.session.get("oidc_states") or {}
            if request.GET.get("state") in states:
                del states[request.GET["state"]]
                request.session["oidc_states"] = states
            return refusal_page(
                request, refused("sso_provider_error", error=request.GET["error"][:100])
            )
        state = request.GET.get("state")
        if not state or not request.GET.get("code"):
            return refusal_page(request, refused("sso_state_mismatch", reason="missing"))
        if state not in (request.session.get("oidc_states") or {}):
            return refusal_page(request, refused("sso_state_mismatch", reason="unknown"))
        try:
            return super().get(request)
        except DomainError as error:
            return refusal_page(request, error)

    def login_failure(self):
        return refusal_page(self.request, refused("sso_token_invalid", reason="no_account"))
