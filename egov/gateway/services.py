"""Writes to the gateway's registry and credentials: one transaction each, one audit
entry each (``egov.core.audit``). The admin calls these, never ``save()`` itself."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from egov.core import audit
from egov.gateway import registry_cache, rules
from egov.gateway.models import (
    AccessRight,
    ClientSecret,
    Exchange,
    Member,
    Service,
    Subsystem,
)


def _changed() -> None:
    """This process's cached view of the registry is dropped when the change commits."""
    transaction.on_commit(registry_cache.clear)


def _before(obj: models.Model) -> dict[str, Any]:
    if obj.pk is None:
        return {}
    old = type(obj)._default_manager.filter(pk=obj.pk).first()
    return audit.snapshot(old) if old is not None else {}


def _write(*, actor: Any, obj: models.Model, name: str) -> models.Model:
    """Save ``obj`` and audit it as ``gateway.<name>.created`` or ``.changed`` with
    the fields that changed."""
    before = _before(obj)
    obj.save()
    _changed()
    after = audit.snapshot(obj)
    action = f"gateway.{name}.{'changed' if before else 'created'}"
    audit.record(actor=actor, action=action, obj=obj, changes=audit.diff(before, after))
    return obj


def check_member(member: Member) -> None:
    rules.check_identifier_part(member.instance, "instance")
    rules.check_identifier_part(member.member_class, "member_class")
    rules.check_identifier_part(member.code, "code")
    same = Member.objects.filter(
        instance=member.instance, member_class=member.member_class, code=member.code
    ).exclude(pk=member.pk)
    rules.check_unique(same.exists(), member.identifier, "code")


@transaction.atomic
def save_member(*, actor: Any, member: Member) -> Member:
    """Create or change a member; its subsystems' identifiers follow a new code."""
    check_member(member)
    _write(actor=actor, obj=member, name="member")
    for subsystem in member.subsystems.all():
        identifier = f"{member.identifier}/{subsystem.code}"
        if subsystem.identifier != identifier:
            subsystem.identifier = identifier
            _write(actor=actor, obj=subsystem, name="subsystem")
    return member


def check_subsystem(subsystem: Subsystem) -> None:
    rules.check_identifier_part(subsystem.code, "code")
    subsystem.identifier = f"{subsystem.member.identifier}/{subsystem.code}"
    same = Subsystem.objects.filter(identifier=subsystem.identifier).exclude(pk=subsystem.pk)
    rules.check_unique(same.exists(), subsystem.identifier, "code")


@transaction.atomic
def save_subsystem(*, actor: Any, subsystem: Subsystem) -> Subsystem:
    check_subsystem(subsystem)
    return _write(actor=actor, obj=subsystem, name="subsystem")


def check_service(service: Service) -> None:
    rules.check_identifier_part(service.code, "code")
    rules.check_base_url(service.base_url)
    same = Service.objects.filter(provider=service.provider_id, code=service.code)
    rules.check_unique(same.exclude(pk=service.pk).exists(), service.identifier, "code")


@transaction.atomic
def save_service(*, actor: Any, service: Service) -> Service:
    check_service(service)
    return _write(actor=actor, obj=service, name="service")


@transaction.atomic
def register_member(*, actor: Any, instance: str, member_class: str, code: str, name: str):
    return save_member(
        actor=actor,
        member=Member(instance=instance, member_class=member_class, code=code, name=name),
    )


@transaction.atomic
def register_subsystem(*, actor: Any, member: Member, code: str, name: str) -> Subsystem:
    return save_subsystem(actor=actor, subsystem=Subsystem(member=member, code=code, name=name))


@transaction.atomic
def register_service(*, actor: Any, provider: Subsystem, code: str, base_url: str, **fields):
    service = Service(provider=provider, code=code, base_url=base_url, **fields)
    return save_service(actor=actor, service=service)


@transaction.atomic
def grant_access(*, actor: Any, client: Subsystem, service: Service) -> AccessRight:
    """Allow ``client`` to call ``service`` (nothing changes if it already may)."""
    right, created = AccessRight.objects.get_or_create(client=client, service=service)
    if created:
        _changed()
        audit.record(
            actor=actor,
            action="gateway.access.granted",
            obj=right,
            object_repr=f"{client.identifier} → {service.identifier}",
            changes={"client": client.identifier, "service": service.identifier},
        )
    return right


@transaction.atomic
def revoke_access(*, actor: Any, right: AccessRight) -> None:
    changes = {"client": right.client.identifier, "service": right.service.identifier}
    audit.record(
        actor=actor,
        action="gateway.access.revoked",
        obj=right,
        object_repr=f"{changes['client']} → {changes['service']}",
        changes=changes,
    )
    right.delete()
    _changed()


@transaction.atomic
def remove_entry(*, actor: Any, obj: Member | Subsystem | Service) -> None:
    """Delete a member (without subsystems), a subsystem (without services) or a
    service (its access rights go with it)."""
    if isinstance(obj, Member):
        rules.check_unused(obj.subsystems.exists(), "thành viên / member")
    elif isinstance(obj, Subsystem):
        rules.check_unused(obj.services.exists(), "hệ thống / subsystem")
    name = obj._meta.model_name
    audit.record(
        actor=actor,
        action=f"gateway.{name}.deleted",
        obj=obj,
        changes={"before": audit.snapshot(obj)},
    )
    obj.delete()
    _changed()


@transaction.atomic
def issue_secret(*, actor: Any, subsystem: Subsystem) -> tuple[ClientSecret, str]:
    """A new client secret for ``subsystem``; the text is returned once and only its
    hash is kept. At most two are active: the new one is deployed, then the old one
    revoked (``revoke_secret``)."""
    Subsystem.objects.select_for_update().filter(pk=subsystem.pk).first()
    active = ClientSecret.objects.filter(subsystem=subsystem, revoked_at__isnull=True)
    rules.check_can_add_secret(active.count())
    text = secrets.token_urlsafe(32)
    secret = ClientSecret.objects.create(
        subsystem=subsystem, secret_hash=make_password(text), hint=text[-4:]
    )
    audit.record(
        actor=actor,
        action="gateway.secret.issued",
        obj=secret,
        changes={"subsystem": subsystem.identifier, "hint": secret.hint},
    )
    return secret, text


@transaction.atomic
def revoke_secret(*, actor: Any, secret: ClientSecret) -> ClientSecret:
    """From now on ``secret`` obtains no token (tokens already issued with it live
    out their few minutes)."""
    secret = ClientSecret.objects.select_for_update().get(pk=secret.pk)
    rules.check_not_revoked(secret.revoked_at is not None)
    secret.revoked_at = timezone.now()
    secret.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="gateway.secret.revoked",
        obj=secret,
        changes={"subsystem": secret.subsystem.identifier, "hint": secret.hint},
    )
    return secret


def purge_exchanges(*, actor: Any, before) -> int:
    """Delete the monitor's exchange rows older than ``before`` (the signed message log,
    not these rows, is the record of what was exchanged), in batches; one audit entry."""
    deleted = 0
    while True:
        ids = list(Exchange.objects.filter(at__lt=before).values_list("id", flat=True)[:5000])
        if not ids:
            break
        deleted += Exchange.objects.filter(id__in=ids).delete()[0]
    if deleted:
        audit.record(
            actor=actor,
            action="gateway.exchanges.purged",
            object_type="gateway.exchange",
            changes={"before": before, "deleted": deleted},
        )
    return deleted
