"""The registry in the Django admin, for the province administrator (changes) and the
auditor (reads). Every write goes through ``egov.gateway.services`` (audited); a
refused write comes back as a form error in Vietnamese and English."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from egov.core.errors import DomainError
from egov.directory.roles import Role
from egov.gateway import services
from egov.gateway.models import AccessRight, ClientSecret, Member, Service, Subsystem


def may_read(user: Any) -> bool:
    """The province administrator and the auditor (and the platform operator)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.role_set & {Role.PROVINCE_ADMIN, Role.AUDITOR})


def may_change(user: Any) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or Role.PROVINCE_ADMIN in user.role_set)


def _as_form_error(error: DomainError) -> ValidationError:
    return ValidationError(f"{error.message} ({error.message_en})", code=error.code)


class CheckedForm(forms.ModelForm):
    """Runs the service's checks in ``clean`` so that a refusal is a form error."""

    check = staticmethod(lambda obj: None)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name, value in cleaned.items():
            if name in {f.name for f in self.instance._meta.concrete_fields}:
                setattr(self.instance, name, value)
        try:
            type(self).check(self.instance)
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, _as_form_error(error))
        return cleaned

    def validate_unique(self):
        pass  # a rule of the services, with its bilingual message


class MemberForm(CheckedForm):
    check = staticmethod(services.check_member)


class SubsystemForm(CheckedForm):
    check = staticmethod(services.check_subsystem)


class ServiceForm(CheckedForm):
    check = staticmethod(services.check_service)


class GatewayAdmin(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return may_read(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_read(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_change(request.user)

    def has_add_permission(self, request) -> bool:
        return may_change(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_change(request.user)

    def delete_model(self, request, obj) -> None:
        services.remove_entry(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Member)
class MemberAdmin(GatewayAdmin):
    form = MemberForm
    list_display = ["instance", "member_class", "code", "name"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_member(actor=request.user, member=obj)


@admin.register(Subsystem)
class SubsystemAdmin(GatewayAdmin):
    form = SubsystemForm
    list_display = ["identifier", "name", "is_active"]
    search_fields = ["identifier", "name"]
    fields = ["member", "code", "name", "is_active", "identifier"]
    readonly_fields = ["identifier"]
    actions = ["issue_secret"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_subsystem(actor=request.user, subsystem=obj)

    @admin.action(description="Cấp khoá bí mật mới (issue a new client secret)")
    def issue_secret(self, request, queryset) -> None:
        if not may_change(request.user):
            return
        for subsystem in queryset:
            try:
                _, text = services.issue_secret(actor=request.user, subsystem=subsystem)
            except DomainError as error:
                messages.error(request, f"{subsystem}: {error.message} ({error.message_en})")
                continue
            # Shown once: only its hash is kept.
            messages.success(
                request,
                f"{subsystem}: khoá bí mật mới (new client secret, shown once): {text}",
            )


@admin.register(Service)
class ServiceAdmin(GatewayAdmin):
    form = ServiceForm
    list_display = ["__str__", "name", "version", "base_url", "is_active"]
    list_select_related = ["provider"]
    search_fields = ["code", "name", "provider__identifier"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_service(actor=request.user, service=obj)


@admin.register(AccessRight)
class AccessRightAdmin(GatewayAdmin):
    list_display = ["client", "service", "granted_at"]
    list_select_related = ["client", "service__provider"]
    fields = ["client", "service"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A right is granted or revoked, never edited.
        return obj is None and may_change(request.user)

    def save_model(self, request, obj, form, change) -> None:
        saved = services.grant_access(actor=request.user, client=obj.client, service=obj.service)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        services.revoke_access(actor=request.user, right=obj)


@admin.register(ClientSecret)
class ClientSecretAdmin(GatewayAdmin):
    list_display = ["subsystem", "hint", "created_at", "revoked_at"]
    list_select_related = ["subsystem"]
    fields = ["subsystem", "hint", "created_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # issued from the subsystem's list (the text is shown once)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, kept for the record

    @admin.action(description="Thu hồi khoá bí mật (revoke)")
    def revoke(self, request, queryset) -> None:
        if not may_change(request.user):
            return
        for secret in queryset:
            try:
                services.revoke_secret(actor=request.user, secret=secret)
            except DomainError as error:
                messages.error(request, f"{secret}: {error.message} ({error.message_en})")
