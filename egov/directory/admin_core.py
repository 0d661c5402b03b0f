"""Read-only admin for the core records: the audit log and the outbox (registered
here because egov/core belongs to other maintainers; imported by admin.py)."""

from __future__ import annotations

from django.contrib import admin, messages

from egov.core.errors import DomainError
from egov.core.models import AuditEntry, OutboxEvent
from egov.core.outbox import redrive_event
from egov.core.permissions import Action, filter_for, scope


def _may_enter(request) -> bool:
    from egov.directory.admin import may_enter_admin

    return may_enter_admin(request.user)


class ReadOnlyPolicyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return _may_enter(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if not _may_enter(request):
            return False
        q = filter_for(request.user, Action.VIEW, self.model)
        if q is None:
            return False
        return obj is None or self.model._default_manager.filter(q, pk=obj.pk).exists()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return scope(request.user, Action.VIEW, super().get_queryset(request))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyPolicyAdmin):
    list_display = [
        "occurred_at",
        "action",
        "actor_label",
        "object_type",
        "object_id",
        "object_repr",
        "agency",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "actor_label", "object_repr", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["agency"]
    ordering = ["-occurred_at", "-id"]
    readonly_fields = [
        "partition",
        "seq",
        "occurred_at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "agency",
        "changes",
        "request_id",
        "client_ip",
        "prev_hash",
        "hash",
    ]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyPolicyAdmin):
    list_display = [
        "id",
        "topic",
        "aggregate_type",
        "aggregate_id",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["topic", "aggregate_id"]
    ordering = ["-id"]
    actions = ["redrive"]
    readonly_fields = [
        "topic",
        "aggregate_type",
        "aggregate_id",
        "payload",
        "created_at",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]

    def has_redrive_permission(self, request) -> bool:
        return filter_for(request.user, Action.ADMINISTER, OutboxEvent) is not None

    @admin.action(
        description="Gửi lại các sự kiện đã thất bại (re-drive dead events)",
        permissions=["redrive"],
    )
    def redrive(self, request, queryset):
        done = 0
        for event in queryset:
            try:
                redrive_event(actor=request.user, event=event)
            except DomainError as error:
                self.message_user(
                    request, f"#{event.pk}: {error.message} ({error.message_en})", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(
                request, f"Đã gửi lại {done} sự kiện. / Re-drove {done} event(s).", messages.SUCCESS
            )
