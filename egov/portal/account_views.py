"""Registration of a citizen account (phone or e-mail, one-time code), and the
profile page "Hồ sơ cá nhân / Tài khoản"."""

from __future__ import annotations

import secrets
import time

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from egov.core.clientip import client_ip
from egov.core.errors import DomainError
from egov.core.throttling import KeyedRateThrottle
from egov.portal import account_rules as rules
from egov.portal import accounts

PENDING = "egov_registration"
LOCAL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class RegistrationForm(forms.Form):
    contact = forms.CharField(label=_("Số điện thoại hoặc thư điện tử"), max_length=254)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    id_number = forms.CharField(label=_("Số định danh cá nhân (CCCD)"), max_length=12)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput)


def _add(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, f"{error.message} ({error.message_en})")


def register(request):
    if request.user.is_authenticated:
        return redirect("account_profile")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel, contact, errors = rules.registration_errors(
            contact=data["contact"],
            full_name=data["full_name"],
            id_number=data["id_number"].strip(),
            date_of_birth=data["date_of_birth"],
            password=data["password"],
            password2=data["password2"],
            today=timezone.localdate(),
        )
        by_address = KeyedRateThrottle(
            "registration_ip", "EGOV_RATE_REGISTRATION", client_ip(request)
        )
        # One phone or mailbox is not flooded with codes from many addresses either.
        by_contact = KeyedRateThrottle("registration_contact", "EGOV_RATE_REGISTRATION", contact)
        if not errors and (by_address.blocked() or by_contact.blocked()):
            errors.append(
                DomainError(
                    "too_many_registrations",
                    "Quá nhiều lượt đăng ký; vui lòng thử lại sau.",
                    "Too many registrations; please try again later.",
                    status=429,
                )
            )
            status = 429
        if errors:
            for error in errors:
                _add(form, error)
            if status == 200:
                status = 400
        else:
            by_address.hit()
            by_contact.hit()
            nonce = secrets.token_urlsafe(16)
            request.session[PENDING] = {
                "channel": channel,
                "contact": contact,
                "full_name": " ".join(data["full_name"].split()),
                "id_number": data["id_number"].strip(),
                "date_of_birth": data["date_of_birth"].isoformat(),
                "password_hash": make_password(data["password"]),
                "nonce": nonce,
                "until": int(time.time()) + settings.EGOV_REGISTRATION_CODE_SECONDS,
                "tries": 0,
            }
            accounts.request_registration_code(
                actor=None, channel=channel, contact=contact, nonce=nonce
            )
            return redirect("account_register_code")
    return render(request, "portal/accounts/register.html", {"form": form}, status=status)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã xác nhận 6 chữ số"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Mã gồm 6 chữ số.")},
    )


def register_code(request):
    form = CodeForm(request.POST or None)
    pending = request.session.get(PENDING)
    expired = not pending or pending["until"] < time.time()
    if request.method == "POST" and not expired and form.is_valid():
        pending["tries"] += 1
        expected = accounts.registration_code(
            pending["channel"], pending["contact"], pending["nonce"]
        )
        if constant_time_compare(form.cleaned_data["code"], expected):
            del request.session[PENDING]
            try:
                user = accounts.register_account(actor=None, pending=pending)
            except DomainError as error:
                form.add_error(None, f"{error.message} ({error.message_en})")
                return render(
                    request, "portal/accounts/register_code.html", {"form": form}, status=409
                )
            login(request, user, backend=LOCAL_BACKEND)
            return redirect("account_profile")
        if pending["tries"] >= settings.EGOV_REGISTRATION_CODE_TRIES:
            del request.session[PENDING]
            accounts.record_code_refusal(actor=None, pending=pending)
            expired = True
        else:
            request.session[PENDING] = pending
            form.add_error("code", _("Mã không đúng."))
    context = {
        "form": form,
        "expired": expired,
        "destination": accounts.masked(pending["contact"]) if pending and not expired else "",
        "channel": pending["channel"] if pending else "",
    }
    return render(
        request, "portal/accounts/register_code.html", context, status=410 if expired else 200
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)


def masked_id(id_number: str) -> str:
    return "•" * (len(id_number) - 4) + id_number[-4:] if len(id_number) > 4 else id_number


@login_required
def profile(request):
    user = request.user
    if user.is_officer:
        raise PermissionDenied
    applicant = getattr(user, "applicant", None)
    link = accounts.identity_source(user)
    form = None
    status = 200
    if link is None and applicant is not None:
        initial = {
            "full_name": user.full_name,
            "date_of_birth": applicant.date_of_birth,
            "address": applicant.address,
        }
        form = ProfileForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                accounts.update_profile(actor=user, user=user, **form.cleaned_data)
            except accounts.ProfileErrors as errors:
                for error in errors.errors:
                    _add(form, error)
                status = 400
            else:
                return redirect("account_profile")
    elif request.method == "POST":
        status = 403
    context = {
        "account": user,
        "applicant": applicant,
        "masked_id": masked_id(applicant.id_number) if applicant else "",
        "link": link,
        "form": form,
        "refused": status == 403,
    }
    return render(request, "portal/accounts/profile.html", context, status=status)
