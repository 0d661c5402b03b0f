"""Django admin of the calendar for province administrators. Every save and delete
goes through ``egov.workdays.services`` (permission, rules, audit, revision bump)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from egov.core.errors import DomainError
from egov.workdays import engine, rules, services
from egov.workdays.models import CalendarRevision, DeadlineExtension, OfficeHours, OfficialDecision


class _CalendarAdminPermissions:
    """Province administrators and the platform operator edit the calendar."""

    def has_module_permission(self, request):
        return rules.can_edit_calendar(request.user)

    def has_view_permission(self, request, obj=None):
        return rules.can_edit_calendar(request.user)

    def has_add_permission(self, request):
        return rules.can_edit_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return rules.can_edit_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return rules.can_edit_calendar(request.user)


class OfficialDecisionForm(forms.ModelForm):
    class Meta:
        model = OfficialDecision
        fields = ["day", "kind", "name", "document", "note"]

    def clean(self):
        data = super().clean()
        try:
            if data.get("day") and not engine.FIRST_DATE <= data["day"] <= engine.LAST_DATE:
                raise rules.date_out_of_range(engine.FIRST_DATE, engine.LAST_DATE, "day")
            rules.check_decision_name(data.get("name", ""))
        except DomainError as error:
            raise ValidationError({error.field or "__all__": error.message}) from None
        return data


@admin.register(OfficialDecision)
class OfficialDecisionAdmin(_CalendarAdminPermissions, admin.ModelAdmin):
    form = OfficialDecisionForm
    list_display = ["day", "weekday", "kind", "name", "document"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name", "document"]

    @admin.display(description="thứ")
    def weekday(self, obj):
        return ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][
            obj.day.weekday()
        ]

    def save_model(self, request, obj, form, change):
        original = OfficialDecision.objects.get(pk=obj.pk) if change else None
        saved = services.save_decision(
            actor=request.user,
            day=obj.day,
            kind=obj.kind,
            name=obj.name,
            document=obj.document,
            note=obj.note,
            decision=original,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_decision(actor=request.user, decision=obj)

    def delete_queryset(self, request, queryset):
        for decision in queryset:
            services.delete_decision(actor=request.user, decision=decision)


class OfficeHoursForm(forms.ModelForm):
    class Meta:
        model = OfficeHours
        fields = [
            "province",
            "morning_start",
            "morning_end",
            "afternoon_start",
            "afternoon_end",
            "cutoff",
        ]

    def clean(self):
        data = super().clean()
        periods = [
            (data.get("morning_start"), data.get("morning_end")),
            (data.get("afternoon_start"), data.get("afternoon_end")),
        ]
        if all(t is not None for period in periods for t in period):
            try:
                rules.check_office_hours(periods)
            except DomainError as error:
                raise ValidationError(error.message) from None
        return data


@admin.register(OfficeHours)
class OfficeHoursAdmin(_CalendarAdminPermissions, admin.ModelAdmin):
    form = OfficeHoursForm
    list_display = ["__str__", "province", "cutoff"]

    def get_readonly_fields(self, request, obj=None):
        return ["province"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services.set_office_hours(
            actor=request.user,
            province=obj.province,
            morning=(obj.morning_start, obj.morning_end),
            afternoon=(obj.afternoon_start, obj.afternoon_end),
            cutoff=obj.cutoff,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        # Deleting falls back to the default hours: a calendar change like any other.
        services.delete_office_hours(actor=request.user, row=obj)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            services.delete_office_hours(actor=request.user, row=row)


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(_CalendarAdminPermissions, admin.ModelAdmin):
    list_display = ["number", "changed_at"]
    readonly_fields = ["number", "token", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(CalendarRevisionAdmin):
    list_display = [
        "object_type",
        "object_id",
        "original_due",
        "new_due",
        "granted_at",
        "granted_by",
    ]
    readonly_fields = list_display + ["reason", "calendar_revision"]
