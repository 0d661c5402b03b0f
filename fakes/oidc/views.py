"""The fake SSO's own pages: a login page listing the demo identities, and a switch
for tests (``POST /fake/next-id-token``) that makes the next ID token carry another
audience, nonce or issuer."""

from __future__ import annotations

import json

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fakes.oidc import identities, validator


class LoginView(auth_views.LoginView):
    template_name = "fake_oidc/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["identities"] = [
            {"username": name, "password": identities.PASSWORD, **i["claims"], "loa": i["loa"]}
            for name, i in identities.IDENTITIES.items()
        ]
        return context


def home(request):
    return HttpResponse(
        "Fake national SSO (OpenID Connect, django-oauth-toolkit). Discovery: "
        "/o/.well-known/openid-configuration\n",
        content_type="text/plain; charset=utf-8",
    )


@csrf_exempt
@require_POST
def next_id_token(request):
    """Test switch: ``{"aud": "...", "nonce": "...", "iss": "..."}`` overwrite those
    claims in the next ID token only; ``{}`` clears the switch."""
    try:
        overrides = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "expected a JSON object"}, status=400)
    if not isinstance(overrides, dict):
        return JsonResponse({"error": "expected a JSON object"}, status=400)
    validator.tamper_next_token({str(k): str(v) for k, v in overrides.items()})
    return JsonResponse({"status": "ok", "next_id_token": overrides})
