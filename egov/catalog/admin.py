"""Catalogue administration for province administrators. Published versions are
read-only; drafts are edited here (every save is checked and audited through
``services.record_admin_edit``), published with the "publish" action and changed
by starting a new draft."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from egov.catalog import services
from egov.catalog.models import (
    Component,
    FeeItem,
    Field,
    ImportJob,
    Participant,
    ProcedureVersion,
    ResultDocument,
    Workflow,
    WorkflowStep,
)
from egov.core.errors import DomainError
from egov.core.permissions import Action, filter_for


class _DraftOnly:
    def has_change_permission(self, request, obj=None):
        # obj is the version itself, or a workflow (whose .version is the version).
        version = obj if isinstance(obj, ProcedureVersion) else getattr(obj, "version", None)
        if version is not None and not version.is_draft:
            return False
        return filter_for(request.user, Action.CHANGE, ProcedureVersion) is not None

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_authenticated


class ComponentInline(_DraftOnly, admin.TabularInline):
    model = Component
    extra = 0


class FeeInline(_DraftOnly, admin.TabularInline):
    model = FeeItem
    extra = 0


class ResultInline(_DraftOnly, admin.TabularInline):
    model = ResultDocument
    extra = 0


class ParticipantInline(_DraftOnly, admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("agency",)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(_DraftOnly, admin.ModelAdmin):
    list_display = (
        "procedure",
        "number",
        "name",
        "status",
        "effective_from",
        "service_level",
        "online_class",
    )
    list_filter = ("status", "service_level", "online_class", "field", "tiers")
    search_fields = ("procedure__code", "search_text")
    readonly_fields = (
        "procedure",
        "number",
        "status",
        "effective_from",
        "published_at",
        "fingerprint",
        "created_by",
    )
    filter_horizontal = ("tiers",)
    raw_id_fields = ("agencies",)
    inlines = [ComponentInline, FeeInline, ResultInline, ParticipantInline]
    actions = ["publish_today", "start_new_draft", "retire"]

    def has_add_permission(self, request):
        # New procedures come from an import or a copy ("start a new draft").
        return False

    def save_model(self, request, obj, form, change):
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            services.record_admin_edit(actor=request.user, version=form.instance)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc

    @admin.action(description="Công bố, hiệu lực từ hôm nay (publish, in force today)")
    def publish_today(self, request, queryset):
        for version in queryset:
            try:
                services.publish_version(
                    actor=request.user, version=version, effective_from=timezone.localdate()
                )
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)

    @admin.action(description="Tạo phiên bản nháp mới (start a new draft)")
    def start_new_draft(self, request, queryset):
        for version in queryset:
            try:
                services.new_draft_from(actor=request.user, version=version)
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)

    @admin.action(description="Thu hồi phiên bản (retire)")
    def retire(self, request, queryset):
        for version in queryset:
            try:
                services.retire_version(actor=request.user, version=version)
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)


class StepInline(_DraftOnly, admin.TabularInline):
    model = WorkflowStep
    extra = 0


@admin.register(Workflow)
class WorkflowAdmin(_DraftOnly, admin.ModelAdmin):
    list_display = ("__str__", "agency", "tier")
    raw_id_fields = ("version", "agency")
    inlines = [StepInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            services.record_admin_edit(actor=request.user, version=form.instance.version)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def has_module_permission(self, request):
        return filter_for(request.user, Action.CHANGE, ProcedureVersion) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.save_field(actor=request.user, code=obj.code, name=obj.name)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("file_name", "kind", "status", "done", "total", "created_by", "created_at")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_module_permission(self, request):
        return filter_for(request.user, Action.CHANGE, ProcedureVersion) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)
