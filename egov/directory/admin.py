"""Django admin for the directory, for province and agency administrators.

Who enters: the platform operator (superuser) and officers whose roles allow it
(agency_admin, province_admin, auditor): entry follows the roles, not Django's
``is_staff`` flag (see ``_has_permission``). What they see and may change is the
access policy (``egov.core.permissions``), never Django's model permissions.
Every write goes through the service functions; a refused write (DomainError)
comes back as a form error in Vietnamese and English, not as a 500.
"""

from __future__ import annotations

import types
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from egov.core.errors import DomainError
from egov.core.permissions import Action, can, filter_for, scope
from egov.directory import services
from egov.directory.models import (
    Agency,
    ApplicantProfile,
    Department,
    Officer,
    OfficerRole,
    Tier,
)
from egov.directory.roles import ADMIN_ROLES, Role

ADMIN_SITE_ROLES = ADMIN_ROLES | {Role.AUDITOR}


def may_enter_admin(user: Any) -> bool:
    if user is None or not user.is_active or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_staff or user.role_set & ADMIN_SITE_ROLES)


def _has_permission(self, request) -> bool:
    return may_enter_admin(request.user)


class RoleAwareAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not may_enter_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


# The project mounts the default site at /admin/; entry follows roles instead of is_staff.
admin.site.has_permission = types.MethodType(_has_permission, admin.site)
admin.site.login_form = RoleAwareAdminAuthenticationForm
admin.site.site_header = "egov: quản trị (administration)"
admin.site.site_title = "egov"


def _error_text(error: DomainError) -> str:
    return f"{error.message} ({error.message_en})"


class _Refused(Exception):
    def __init__(self, error: DomainError) -> None:
        super().__init__(str(error))
        self.error = error


def adopt(obj, saved) -> None:
    """Make the admin's unsaved form instance ``obj`` the row the service saved, so
    that the admin's log entry and redirect use it."""
    obj.pk = saved.pk
    obj.refresh_from_db()


class PolicyAdmin(admin.ModelAdmin):
    """Lists through ``scope``; object permissions through ``can``; writes through
    services (subclasses implement ``write``). A DomainError raised by a service
    rolls the request back and the form is shown again with the message."""

    view_action = Action.VIEW
    change_action = Action.CHANGE

    # --- permissions from the access policy
    def has_module_permission(self, request) -> bool:
        return may_enter_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        if not may_enter_admin(request.user):
            return False
        if obj is None:
            return filter_for(request.user, self.view_action, self.model) is not None
        return can(request.user, self.view_action, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if not may_enter_admin(request.user):
            return False
        if obj is None:
            return filter_for(request.user, self.change_action, self.model) is not None
        return can(request.user, self.change_action, obj)

    def has_add_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Directory rows are retired (valid_to), deactivated (is_active), never deleted:
        # dossiers, documents and the audit log keep pointing at them.
        return False

    def get_queryset(self, request):
        return scope(request.user, self.view_action, super().get_queryset(request))

    # --- writes through the services, refusals as form errors
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # The admin's own transaction was rolled back by the exception; show the
            # form again, with the refusal attached to the field it concerns.
            request._egov_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_egov_refusal", None)

        class PolicyForm(form_class):
            def validate_unique(self):
                # Uniqueness is a rule of the services, with its bilingual message.
                pass

            def clean(self):
                cleaned = super().clean()
                if refusal is not None:
                    field = refusal.field if refusal.field in self.fields else None
                    self.add_error(field, _error_text(refusal))
                return cleaned

        PolicyForm.__name__ = form_class.__name__
        return PolicyForm

    def save_model(self, request, obj, form, change):
        try:
            saved = self.write(request, obj, form, change)
        except DomainError as error:
            raise _Refused(error) from error
        if saved is not None:
            adopt(obj, saved)

    def write(self, request, obj, form, change):  # pragma: no cover - abstract
        raise NotImplementedError

    def changed(self, form, fields: list[str]) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


@admin.register(Agency)
class AgencyAdmin(PolicyAdmin):
    list_display = ["code", "name", "tier", "parent", "valid_from", "valid_to"]
    list_filter = ["tier"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["tier", "parent"]
    fields = [
        "code",
        "name",
        "short_name",
        "tier",
        "parent",
        "address",
        "valid_from",
        "valid_to",
        "successor",
    ]
    readonly_fields: list[str] = []

    def has_add_permission(self, request) -> bool:
        return filter_for(request.user, Action.ADMINISTER, Agency) is not None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = scope(request.user, Action.ADMINISTER, Agency.objects.all())
        elif db_field.name == "successor":
            kwargs["queryset"] = scope(request.user, Action.VIEW, Agency.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def write(self, request, obj, form, change):
        if change:
            changes = self.changed(form, services.AGENCY_FIELDS)
            if not changes:
                return obj
            return services.update_agency(actor=request.user, agency=obj, **changes)
        data = {name: form.cleaned_data.get(name) for name in services.AGENCY_FIELDS}
        for name in ("short_name", "address"):
            data[name] = data[name] or ""
        return services.create_agency(actor=request.user, **data)


@admin.register(Department)
class DepartmentAdmin(PolicyAdmin):
    list_display = ["name", "code", "agency", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "agency__name", "agency__code"]
    list_select_related = ["agency"]
    fields = ["agency", "code", "name", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["agency"] if obj is not None else []

    def has_add_permission(self, request) -> bool:
        return filter_for(request.user, Action.ADMINISTER, Agency) is not None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = scope(request.user, Action.ADMINISTER, Agency.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def write(self, request, obj, form, change):
        if change:
            changes = self.changed(form, services.DEPARTMENT_FIELDS)
            if not changes:
                return obj
            return services.update_department(actor=request.user, department=obj, **changes)
        department = services.create_department(
            actor=request.user,
            agency=form.cleaned_data["agency"],
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
        )
        if not form.cleaned_data.get("is_active", True):
            department = services.update_department(
                actor=request.user, department=department, is_active=False
            )
        return department


class OfficerForm(forms.ModelForm):
    username = forms.CharField(label="Tên đăng nhập (username)", max_length=150)
    full_name = forms.CharField(label="Họ và tên (full name)", max_length=150)
    email = forms.EmailField(label="Thư điện tử (e-mail)", required=False)
    phone = forms.CharField(label="Điện thoại (phone)", max_length=20, required=False)
    is_active = forms.BooleanField(label="Đang hoạt động (active)", required=False, initial=True)

    class Meta:
        model = Officer
        fields = ["agency", "department", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            for name in ("username", "full_name", "email", "phone", "is_active"):
                self.initial[name] = getattr(user, name)
            self.fields["username"].disabled = True
            self.fields["agency"].required = False
        else:
            # "An officer without an agency" gets the service's bilingual message.
            self.fields["agency"].required = False


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 1
    fields = ["role"]

    def has_view_permission(self, request, obj=None) -> bool:
        return may_enter_admin(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None or can(request.user, Action.CHANGE, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or can(request.user, Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or can(request.user, Action.CHANGE, obj)


@admin.register(Officer)
class OfficerAdmin(PolicyAdmin):
    form = OfficerForm
    inlines = [OfficerRoleInline]
    list_display = ["username", "full_name", "agency", "department", "role_list", "position"]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__code"]
    list_select_related = ["user", "agency", "department"]
    fields = [
        "username",
        "full_name",
        "email",
        "phone",
        "is_active",
        "agency",
        "department",
        "position",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="Tên đăng nhập (username)", ordering="user__username")
    def username(self, obj):
        return obj.user.username

    @admin.display(description="Họ và tên (full name)", ordering="user__full_name")
    def full_name(self, obj):
        return obj.user.full_name

    @admin.display(description="Vai trò (roles)")
    def role_list(self, obj):
        return ", ".join(sorted(obj.role_codes()))

    def has_add_permission(self, request) -> bool:
        return filter_for(request.user, Action.ADMINISTER, Agency) is not None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = scope(request.user, Action.ADMINISTER, Agency.objects.all())
        elif db_field.name == "department":
            kwargs["queryset"] = scope(request.user, Action.VIEW, Department.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Officer and roles are written together in save_related, where the roles of
        # the inline are known: one service call, one audit entry for a new officer.
        request._egov_officer_form = form

    def save_related(self, request, form, formsets, change):
        roles = self._roles(formsets)
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        try:
            officer = self._write_officer(request, form.instance, form, change, roles)
        except DomainError as error:
            raise _Refused(error) from error
        officer.user  # noqa: B018  (loaded so that str(officer) works in the admin's log)
        adopt(form.instance, officer)

    def save_formset(self, request, form, formset, change):
        # Roles were written by set_officer_roles/create_officer in save_related; the
        # admin's change message still reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _roles(self, formsets) -> list[str] | None:
        for formset in formsets:
            if formset.model is not OfficerRole:
                continue
            roles = []
            for inline_form in formset.forms:
                data = getattr(inline_form, "cleaned_data", None) or {}
                if not data or data.get("DELETE") or not data.get("role"):
                    continue
                roles.append(data["role"])
            return roles
        return None

    def _write_officer(self, request, obj, form, change, roles):
        data = form.cleaned_data
        if not change:
            return services.create_officer(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                agency=data.get("agency"),
                roles=roles or [],
                department=data.get("department"),
                email=data.get("email") or "",
                phone=data.get("phone") or "",
                position=data.get("position") or "",
            )
        officer = Officer.objects.select_related("user").get(pk=obj.pk)
        changes = {}
        for name in services.OFFICER_USER_FIELDS:
            if name in form.changed_data:
                changes[name] = data[name]
        for name in services.OFFICER_FIELDS:
            if name in form.changed_data:
                changes[name] = data[name]  # agency None: the service refuses, bilingual
        if changes:
            officer = services.update_officer(actor=request.user, officer=officer, **changes)
        if roles is not None and sorted(set(roles)) != sorted(officer.role_codes()):
            officer = services.set_officer_roles(actor=request.user, officer=officer, roles=roles)
        return officer


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    """Tiers are reference data: administrators read them, only the operator edits."""

    list_display = ["code", "name", "name_en", "rank"]

    def has_module_permission(self, request) -> bool:
        return may_enter_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_enter_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        from egov.core import audit

        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="tier.change" if change else "tier.create",
            obj=obj,
            changes={"after": audit.snapshot(obj, ["code", "name", "rank"])},
        )


def mask_id_number(value: str) -> str:
    """``001090012345`` -> ``0010******45``: enough to tell people apart in a list."""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 6, 0) + value[-2:]


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(PolicyAdmin):
    """Read-only: applicants change their own profile in the portal; the ID number is
    masked here (reading it in full is audited, through the API)."""

    list_display = ["full_name", "kind", "masked_id_number", "address"]
    search_fields = ["user__full_name", "user__username"]
    list_select_related = ["user"]
    fields = ["full_name", "kind", "masked_id_number", "organisation_name", "address"]
    readonly_fields = fields

    @admin.display(description="Họ và tên (full name)")
    def full_name(self, obj):
        return obj.user.full_name

    @admin.display(description="Loại (kind)")
    def kind(self, obj):
        return obj.user.get_kind_display()

    @admin.display(description="Số CCCD (ID number, masked)")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


from egov.directory import admin_core  # noqa: E402,F401  (registers the core models)
