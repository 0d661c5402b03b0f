"""django-oauth-toolkit's validator with the national SSO's claims, the level of
assurance (``acr``) the login reached, and the test switches that make the next ID
token wrong on purpose (another audience, another nonce, another issuer) so that the
relying party's checks can be tested against a real provider."""

from __future__ import annotations

import threading

from oauth2_provider.oauth2_validators import OAuth2Validator

from fakes.oidc import identities

_lock = threading.Lock()
# code -> acr reached at the authorization step (one process serves the fake).
_acr_by_code: dict[str, str] = {}
# Claims that overwrite those of the next ID token issued (then forgotten).
_next_token: dict[str, str] = {}


def tamper_next_token(overrides: dict[str, str]) -> None:
    with _lock:
        _next_token.clear()
        _next_token.update({k: v for k, v in overrides.items() if k in {"aud", "nonce", "iss"}})


class NationalSsoValidator(OAuth2Validator):
    # Every claim for the "openid" scope: the national SSO gives its whole set.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return identities.claims(request.user.get_username())

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        level = identities.achieved_level(request.user.get_username(), request.acr_values)
        with _lock:
            _acr_by_code[code["code"]] = level

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        with _lock:
            claims["acr"] = _acr_by_code.pop(request.code, None) or "LoA1"
            claims.update(_next_token)
            _next_token.clear()
        return claims, expiration

    def get_discovery_claims(self, request):
        names = {name for i in identities.IDENTITIES.values() for name in i["claims"]}
        return ["sub", "acr", *sorted(names - {"sub"})]
