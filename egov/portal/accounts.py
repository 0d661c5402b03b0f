"""Applicant accounts: registration with a phone number or an e-mail address verified
by a one-time code, log-in by that phone or address, the profile, and the accounts
made or linked by the national single sign-on (egov.portal.sso maps the claims).

A registration keeps what the person declared in their session until the code is
entered; the outbox carries only the destination and a random nonce, and the code is a
keyed hash of both (SECRET_KEY), so no code is stored. It works in that session only,
for EGOV_REGISTRATION_CODE_SECONDS and EGOV_REGISTRATION_CODE_TRIES tries (as the SMS
password-reset code of egov.core.accounts)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from egov.core import audit, outbox, sms
from egov.core.accounts import phone_digits
from egov.core.errors import DomainError
from egov.core.models import OutboxEvent
from egov.directory.models import ApplicantProfile, SsoIdentity, User
from egov.portal import account_rules as rules

CODE_TOPIC = "account.registration_code"


class PhoneOrEmailBackend(ModelBackend):
    """An applicant types the phone number or e-mail address they registered with, in
    any usual spelling (0912 345 678, +84912345678, An@Example.vn): it is the account's
    user name once normalised. Officers keep their user names."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        text = username.strip()
        normalised = text.lower() if "@" in text else phone_digits(text)
        if not normalised or normalised == username:
            return None  # Django's own backend already tried it as it is
        user = super().authenticate(request, username=normalised, password=password, **kwargs)
        return user if user is not None and not user.is_officer else None


# ------------------------------------------------------------------ registration


def registration_code(channel: str, contact: str, nonce: str) -> str:
    digest = salted_hmac("egov.portal.registration", f"{nonce}:{channel}:{contact}")
    return f"{int(digest.hexdigest()[:12], 16) % 1_000_000:06d}"


def masked(contact: str) -> str:
    if "@" in contact:
        name, _, domain = contact.partition("@")
        return f"{name[:2]}***@{domain}"
    return contact[:3] + "****" + contact[-3:]


def request_registration_code(*, actor: Any, channel: str, contact: str, nonce: str) -> None:
    """Send a code to the phone or mailbox the person is registering with."""
    with transaction.atomic():
        outbox.emit(
            topic=CODE_TOPIC,
            aggregate_type="portal.registration",
            aggregate_id=nonce[:16],
            payload={"channel": channel, "to": contact, "nonce": nonce},
        )
        audit.record(
            actor=actor,
            action="account.registration_code_sent",
            object_type="portal.registration",
            object_id=nonce[:16],
            object_repr=masked(contact),
            changes={"channel": channel},
        )


@outbox.handler(CODE_TOPIC)
def send_registration_code(event: OutboxEvent) -> None:
    channel, to = event.payload["channel"], event.payload["to"]
    code = registration_code(channel, to, event.payload["nonce"])
    minutes = settings.EGOV_REGISTRATION_CODE_SECONDS // 60
    if channel == "phone":
        sms.send_sms(
            to,
            f"egov: mã xác nhận đăng ký tài khoản {code}, hiệu lực {minutes} phút, không chia "
            f"sẻ mã này. Registration code {code} ({minutes} min, do not share).",
        )
        return
    body = (
        f"Mã xác nhận đăng ký tài khoản trên Cổng dịch vụ công: {code}\n"
        f"Mã có hiệu lực {minutes} phút. Không chia sẻ mã này với bất kỳ ai.\n"
        "Nếu bạn không đăng ký, hãy bỏ qua thư này.\n\n"
        f"Your registration code for the public service portal: {code}\n"
        f"It is valid for {minutes} minutes. Do not share it.\n"
        "If you did not register, ignore this message.\n"
    )
    EmailMultiAlternatives(
        f"Mã xác nhận đăng ký / Registration code {code}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
    ).send()


def register_account(*, actor: Any, pending: dict[str, Any]) -> User:
    """Create the citizen account declared in ``pending`` (its code was entered): the
    user name is the verified phone or address. The checks run again inside the
    transaction, so two sessions racing for one phone make one account."""
    channel, contact = pending["channel"], pending["contact"]
    birth = datetime.date.fromisoformat(pending["date_of_birth"])
    with transaction.atomic():
        rules.check_contact_free(channel, contact)
        rules.check_id_number_free(pending["id_number"])
        user = User(
            username=contact,
            kind=User.Kind.CITIZEN,
            full_name=pending["full_name"],
            email=contact if channel == "email" else "",
            phone=contact if channel == "phone" else "",
            password=pending["password_hash"],
        )
        user.save(force_insert=True)
        ApplicantProfile.objects.create(
            user=user, id_number=pending["id_number"], date_of_birth=birth
        )
        audit.record(
            actor=actor or user,
            action="account.registered",
            obj=user,
            changes={"channel": channel, "identity": "self_declared"},
        )
    return user


def record_code_refusal(*, actor: Any, pending: dict[str, Any]) -> None:
    """The last wrong try of a registration code: the registration ends, audited."""
    audit.record(
        actor=actor,
        action="account.registration_code_refused",
        object_type="portal.registration",
        object_id=pending["nonce"][:16],
        object_repr=masked(pending["contact"]),
        changes={"channel": pending["channel"], "tries": pending["tries"]},
    )


# ------------------------------------------------------------------ profile


def identity_source(user) -> SsoIdentity | None:
    """The SSO link that vouches for the account's identity, or None (self-declared)."""
    return user.sso_identities.order_by("-last_login_at").first()


def update_profile(
    *, actor: Any, user, full_name: str, date_of_birth: datetime.date | None, address: str
) -> None:
    """A self-declared account corrects its identity; an identity given by the SSO is
    not editable here (it is refreshed from the provider at every login)."""
    if identity_source(user) is not None:
        raise DomainError(
            "identity_from_sso",
            "Thông tin định danh lấy từ tài khoản định danh điện tử, không sửa tại đây.",
            "The identity comes from the national electronic identity and cannot be edited here.",
            status=403,
        )
    profile = user.applicant
    errors = []
    for check in (
        lambda: rules.check_full_name(full_name),
        lambda: rules.check_birth_date(date_of_birth, timezone.localdate()),
        lambda: (
            rules.check_cccd(profile.id_number, birth_date=date_of_birth)
            if profile.id_number
            else None
        ),
    ):
        try:
            check()
        except DomainError as error:
            if error.field == "id_number":
                error.field = "date_of_birth"  # the number is fixed: the date is what is wrong
            errors.append(error)
    if errors:
        raise ProfileErrors(errors)
    with transaction.atomic():
        before = {
            "full_name": user.full_name,
            **audit.snapshot(profile, ["date_of_birth", "address"]),
        }
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
        profile.date_of_birth = date_of_birth
        profile.address = address.strip()
        profile.save(update_fields=["date_of_birth", "address"])
        after = {
            "full_name": user.full_name,
            **audit.snapshot(profile, ["date_of_birth", "address"]),
        }
        audit.record(
            actor=actor,
            action="account.profile_updated",
            obj=user,
            changes=audit.diff(before, after),
        )


class ProfileErrors(Exception):
    def __init__(self, errors: list[DomainError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


# ------------------------------------------------------------------ single sign-on


@dataclass
class SsoPerson:
    """What the national SSO says about the person (egov.portal.sso maps the claims)."""

    subject: str
    kind: str
    full_name: str
    id_number: str
    date_of_birth: datetime.date | None
    phone: str
    email: str
    address: str
    tax_code: str
    organisation_name: str
    acr: str


def _match(person: SsoPerson) -> list:
    """Existing accounts of the same person: a citizen by ID number, a business by
    tax code (officers included, to refuse them)."""
    profiles = ApplicantProfile.objects.select_related("user")
    if person.kind == User.Kind.BUSINESS and person.tax_code:
        found = profiles.filter(tax_code=person.tax_code, user__kind=User.Kind.BUSINESS)
    elif person.id_number:
        found = profiles.filter(id_number=person.id_number).exclude(user__kind=User.Kind.BUSINESS)
    else:
        return []
    return [p.user for p in found[:2]]


def _refresh(user, person: SsoPerson) -> list[str]:
    """The profile takes the provider's values; returns the fields that changed."""
    profile, _ = ApplicantProfile.objects.get_or_create(user=user)
    changed = []
    for obj, field, value in [
        (user, "full_name", person.full_name),
        (user, "phone", person.phone),
        (user, "email", person.email),
        (profile, "id_number", person.id_number),
        (profile, "date_of_birth", person.date_of_birth),
        (profile, "address", person.address),
        (profile, "tax_code", person.tax_code),
        (profile, "organisation_name", person.organisation_name),
    ]:
        if value in ("", None) and field in ("phone", "email"):
            continue  # a contact the provider does not know stays as it was
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    user_fields = [f for f in changed if f in ("full_name", "phone", "email")]
    if user_fields:
        user.save(update_fields=user_fields)
    profile_fields = [f for f in changed if f not in user_fields]
    if profile_fields:
        profile.save(update_fields=profile_fields)
    return changed


def sign_in_by_sso(*, actor: Any, issuer: str, person: SsoPerson) -> tuple[User, str]:
    """The account of a person the SSO vouched for: the one already linked to the
    subject, else an existing account with the same ID number (citizen) or tax code
    (business), linked now, else a new one. The profile is refreshed from the claims.
    Returns the account and what happened (``returning``, ``linked``, ``created``)."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            SsoIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=person.subject)
            .first()
        )
        if link is not None:
            user, outcome = link.user, "returning"
            rules.check_not_officer(user)
        else:
            matches = _match(person)
            rules.check_one_match(matches)
            if matches:
                user, outcome = matches[0], "linked"
                rules.check_not_officer(user)
            else:
                user, outcome = _new_account(issuer, person), "created"
            link = SsoIdentity(user=user, issuer=issuer, subject=person.subject)
        changed = _refresh(user, person)
        link.acr = person.acr
        link.last_login_at = now
        link.save()
        audit.record(
            actor=actor or user,
            action=f"account.sso_{outcome}",
            obj=user,
            changes={"acr": person.acr, "issuer": issuer, "refreshed": changed},
        )
    return user, outcome


def _new_account(issuer: str, person: SsoPerson) -> User:
    digest = hashlib.sha256(f"{issuer}|{person.subject}".encode()).hexdigest()[:20]
    user = User(username=f"sso-{digest}", kind=person.kind, full_name=person.full_name)
    user.set_unusable_password()  # this account logs in through the SSO only
    user.save(force_insert=True)
    return user


def record_sso_refusal(*, actor: Any, code: str, details: dict[str, Any]) -> None:
    """Every refused SSO response leaves an audit entry (the refusal writes nothing else)."""
    audit.record(
        actor=actor,
        action="auth.sso_refused",
        object_type="portal.sso",
        object_id=code,
        object_repr=code,
        changes=details,
    )
