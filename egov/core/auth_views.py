"""Login with lockout (django-axes) and the TOTP second factor (django-otp)."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core import audit

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
