"""Log-in through the national single sign-on (OpenID Connect, mozilla-django-oidc):
authorization code with PKCE (S256), ``nonce`` and ``acr_values``. Besides the
library's checks (state, signature, expiry, nonce), the ID token's issuer and
audience are checked here (the library leaves ``aud`` unchecked), the userinfo must
be about the same subject, and the level of assurance reached (``acr``) must be at
least EGOV_SSO_MIN_ACR. Every refusal raises ``SsoRefused`` with a stable code; the
callback view (sso_views) shows it in Vietnamese and English and audits it.

The national SSO's claims are mapped by ``person_from_claims``; accounts are found,
linked or created by ``egov.portal.accounts.sign_in_by_sso``."""

from __future__ import annotations

import datetime

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from egov.core.errors import DomainError
from egov.directory.models import User
from egov.portal import account_rules, accounts

BUSINESS_ACCOUNT = "2"  # LoaiTaiKhoan: 1 citizen, 2 business (tổ chức, doanh nghiệp)


class SsoRefused(DomainError):
    status = 403


REFUSALS = {
    "sso_state_mismatch": (
        "Phiên đăng nhập không khớp (state sai hoặc đã dùng). Vui lòng đăng nhập lại từ đầu.",
        "The login session does not match (wrong or reused state). Please log in again.",
    ),
    "sso_nonce_mismatch": (
        "Mã xác thực trả về không thuộc phiên đăng nhập này (nonce sai). Vui lòng đăng nhập lại.",
        "The identity token does not belong to this login (wrong nonce). Please log in again.",
    ),
    "sso_audience_mismatch": (
        "Mã xác thực trả về không cấp cho cổng này (audience sai). Đăng nhập bị từ chối.",
        "The identity token was not issued to this portal (wrong audience). Login refused.",
    ),
    "sso_issuer_mismatch": (
        "Mã xác thực không do hệ thống định danh đã cấu hình phát hành. Đăng nhập bị từ chối.",
        "The identity token was not issued by the configured identity provider. Login refused.",
    ),
    "sso_token_invalid": (
        "Mã xác thực trả về không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
        "The identity token is invalid or expired. Please log in again.",
    ),
    "sso_subject_mismatch": (
        "Thông tin người dùng không khớp với mã xác thực. Đăng nhập bị từ chối.",
        "The user information does not match the identity token. Login refused.",
    ),
    "sso_claims_missing": (
        "Hệ thống định danh không trả về số định danh cá nhân hoặc mã số thuế.",
        "The identity provider returned no personal identification number or tax code.",
    ),
    "sso_provider_unreachable": (
        "Không kết nối được hệ thống định danh điện tử. Vui lòng thử lại sau.",
        "The national identity system could not be reached. Please try again later.",
    ),
    "sso_provider_error": (
        "Hệ thống định danh điện tử không cho phép đăng nhập (đã hủy hoặc bị từ chối).",
        "The national identity system did not allow the login (cancelled or refused).",
    ),
    "sso_disabled": (
        "Đăng nhập bằng tài khoản định danh điện tử chưa được bật.",
        "Login with the national electronic identity is not enabled.",
    ),
}


def refused(code: str, **details) -> SsoRefused:
    vi, en = REFUSALS[code]
    status = 502 if code == "sso_provider_unreachable" else None
    return SsoRefused(code, vi, en, details=details or None, status=status)


def parse_date(value: str) -> datetime.date | None:
    """NgayThangNamSinh: dd/mm/yyyy as the national SSO sends it (ISO and yyyymmdd too)."""
    text = (value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def person_from_claims(claims: dict, acr: str) -> accounts.SsoPerson:
    tax_code = str(claims.get("MaSoDoanhNghiep") or claims.get("MaSoThue") or "").strip()
    business = str(claims.get("LoaiTaiKhoan", "")).strip() == BUSINESS_ACCOUNT
    return accounts.SsoPerson(
        subject=str(claims["sub"]),
        kind=User.Kind.BUSINESS if business else User.Kind.CITIZEN,
        full_name=str(claims.get("HoVaTen") or "").strip()[:150],
        id_number=str(claims.get("SoDinhDanh") or "").strip()[:12],
        date_of_birth=parse_date(str(claims.get("NgayThangNamSinh") or "")),
        phone=accounts.phone_digits(str(claims.get("SoDienThoai") or ""))[:20],
        email=str(claims.get("ThuDienTu") or "").strip().lower()[:254],
        address=str(claims.get("ThuongTru") or "").strip()[:255],
        tax_code=tax_code[:14] if business else "",
        organisation_name=str(claims.get("TenDoanhNghiep") or "").strip()[:255] if business else "",
        acr=acr or "",
    )


class NationalSsoBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or not settings.EGOV_SSO_ENABLED:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            raise refused("sso_provider_unreachable", error=type(error).__name__) from error

    def get_user(self, user_id):
        # Django's own answer (an inactive account is logged out), not the library's.
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token, **kwargs):
        """Signature and expiry (the library's public steps), then issuer, audience
        and nonce, each refused with its own code."""
        try:
            payload = self.get_payload_data(token, self.retrieve_matching_jwk(token))
        except (SuspiciousOperation, jwt.PyJWTError, KeyError) as error:
            raise refused("sso_token_invalid", error=type(error).__name__) from error
        if payload.get("iss") != settings.EGOV_SSO_ISSUER:
            raise refused("sso_issuer_mismatch", iss=str(payload.get("iss")))
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        client_id = self.OIDC_RP_CLIENT_ID
        if client_id not in audiences or (len(audiences) > 1 and payload.get("azp") != client_id):
            raise refused("sso_audience_mismatch", aud=audiences)
        nonce = kwargs.get("nonce")
        if not nonce or payload.get("nonce") != nonce:
            raise refused("sso_nonce_mismatch")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if str(claims.get("sub")) != str(payload.get("sub")):
            raise refused("sso_subject_mismatch")
        if not (
            claims.get("SoDinhDanh") or claims.get("MaSoDoanhNghiep") or claims.get("MaSoThue")
        ):
            raise refused("sso_claims_missing")
        acr = str(payload.get("acr") or "")
        account_rules.check_level(acr, settings.EGOV_SSO_MIN_ACR)
        person = person_from_claims(claims, acr)
        user, outcome = accounts.sign_in_by_sso(
            actor=None, issuer=settings.EGOV_SSO_ISSUER, person=person
        )
        self.request.sso_outcome = outcome
        return user
