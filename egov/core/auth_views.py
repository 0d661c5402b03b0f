"""Login with lockout (django-axes), the TOTP second factor (django-otp), password
change and reset (Django's views, writes through ``egov.core.accounts``)."""

from __future__ import annotations

import secrets
import time

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core import accounts, audit
from egov.core.clientip import client_ip
from egov.core.throttling import KeyedRateThrottle

# Where each role lands after logging in without a ``next`` page: its own part of
# the workspace (the first role that matches wins); everyone else the home page.
ROLE_LANDING = [
    ("desk_officer", "/mot-cua/"),
    ("agency_leader", "/mot-cua/hang-doi/to_sign/"),
    ("department_head", "/mot-cua/hang-doi/to_sign/"),
    ("specialist", "/mot-cua/hang-doi/to_process/"),
]


def landing_url(user) -> str:
    roles = getattr(user, "role_set", frozenset())
    return next((url for role, url in ROLE_LANDING if role in roles), "/")


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def otp_verify(request):
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"/accounts/otp/setup/?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                audit.record(actor=request.user, action="auth.second_factor", obj=request.user)
                return redirect(_next_url(request))
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn."))
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def otp_setup(request):
    """Enrol an authenticator app: show the key as a QR code, confirm with one code."""
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect(f"/accounts/otp/verify/?next={_next_url(request)}")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(actor=request.user, action="auth.second_factor_enrolled", obj=request.user)
            return redirect(_next_url(request))
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr": qr, "next": _next_url(request), "key": device.key},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """A logged-in officer or citizen changes their password (the old one first). The
    account's other sessions end: Django checks the password's hash in each session."""

    template_name = "registration/password_change_form.html"

    def form_valid(self, form):
        accounts.change_password(actor=self.request.user, form=form)
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The same answer whether or not the address is
    known (no account enumeration); requests are limited per client address and per
    e-mail address (EGOV_RATE_PASSWORD_RESET)."""

    template_name = "registration/password_reset_form.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        by_address = KeyedRateThrottle(
            "password_reset_ip", "EGOV_RATE_PASSWORD_RESET", client_ip(self.request)
        )
        by_email = KeyedRateThrottle("password_reset_email", "EGOV_RATE_PASSWORD_RESET", email)
        if by_address.blocked():
            context = self.get_context_data(form=form, throttled=True)
            return render(self.request, self.template_name, context, status=429)
        # A mailbox flooded by someone else's requests: answer as usual, send nothing.
        send = not by_email.blocked()
        by_address.hit()
        by_email.hit()
        if send:
            base = settings.EGOV_PUBLIC_URL or self.request.build_absolute_uri("/")
            actor = self.request.user if self.request.user.is_authenticated else None
            for user in form.get_users(email):
                accounts.request_password_reset(actor=actor, user=user, base_url=base)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form):
        accounts.change_password(actor=None, form=form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


SMS_RESET = "egov_sms_reset"


class SmsResetForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại của tài khoản"), max_length=20)


class SmsCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã 6 chữ số trong tin nhắn"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Mã gồm 6 chữ số.")},
    )


def password_reset_sms(request):
    """Ask for a reset code by SMS: user name and the account's phone. The same answer
    whether or not they match (the code page then never accepts a code)."""
    form = SmsResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        by_address = KeyedRateThrottle(
            "password_reset_ip", "EGOV_RATE_PASSWORD_RESET", client_ip(request)
        )
        by_name = KeyedRateThrottle("password_reset_name", "EGOV_RATE_PASSWORD_RESET", username)
        if by_address.blocked():
            context = {"form": form, "throttled": True}
            return render(request, "registration/password_reset_sms_form.html", context, status=429)
        send = not by_name.blocked()
        by_address.hit()
        by_name.hit()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        phone = accounts.phone_digits(form.cleaned_data["phone"])
        matches = (
            user is not None and len(phone) >= 8 and accounts.phone_digits(user.phone) == phone
        )
        nonce = secrets.token_urlsafe(16)
        request.session[SMS_RESET] = {
            # No code can be right when none was sent (too many requests for the name).
            "uid": user.pk if matches and send else None,
            "nonce": nonce,
            "until": int(time.time()) + accounts.SMS_CODE_SECONDS,
            "tries": 0,
        }
        if matches and send:
            actor = request.user if request.user.is_authenticated else None
            accounts.request_password_reset_sms(actor=actor, user=user, nonce=nonce)
        return redirect("password_reset_sms_code")
    return render(request, "registration/password_reset_sms_form.html", {"form": form})


def password_reset_sms_code(request):
    """Enter the code; the right one opens Django's set-password page."""
    form = SmsCodeForm(request.POST or None)
    pending = request.session.get(SMS_RESET)
    expired = not pending or pending["until"] < time.time()
    if request.method == "POST" and not expired and form.is_valid():
        pending["tries"] += 1
        user = get_user_model().objects.filter(pk=pending["uid"], is_active=True).first()
        if user is not None and constant_time_compare(
            form.cleaned_data["code"], accounts.sms_code(user, pending["nonce"])
        ):
            del request.session[SMS_RESET]
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            return redirect("password_reset_confirm", uidb64=uid, token=token)
        if pending["tries"] >= accounts.SMS_CODE_TRIES:
            del request.session[SMS_RESET]
            expired = True
        else:
            request.session[SMS_RESET] = pending
            form.add_error("code", _("Mã không đúng."))
    context = {"form": form, "expired": expired}
    return render(
        request,
        "registration/password_reset_sms_code.html",
        context,
        status=410 if expired else 200,
    )
