"""Read-only admin of the national sync state, listed through the access policy, with
the re-drive of a dossier's dead sync events (``outbox.redrive_event``, audited). The
outbox events themselves are in the outbox admin (``directory.admin_core``), whose
"re-drive" action does the same event by event."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from egov.core.errors import DomainError
from egov.core.models import OutboxEvent
from egov.core.permissions import Action, filter_for
from egov.directory.admin_core import ReadOnlyPolicyAdmin
from egov.national import services
from egov.national.models import SyncState


@admin.register(SyncState)
class SyncStateAdmin(ReadOnlyPolicyAdmin):
    list_display = [
        "dossier",
        "accepted",
        "last_status_sent",
        "last_message_id",
        "last_attempt_at",
        "synced_at",
        "short_error",
    ]
    list_filter = ["accepted", "last_status_sent"]
    search_fields = ["dossier__code", "last_message_id", "last_error"]
    list_select_related = ["dossier"]
    ordering = ["-last_attempt_at"]
    actions = ["redrive"]
    readonly_fields = [
        "dossier",
        "accepted",
        "accepted_at",
        "last_status_sent",
        "last_event_id",
        "last_message_id",
        "last_error",
        "last_attempt_at",
        "synced_at",
    ]

    @admin.display(description=_("Lỗi gần nhất"))
    def short_error(self, obj: SyncState) -> str:
        return obj.last_error[:120]

    def has_redrive_permission(self, request) -> bool:
        return filter_for(request.user, Action.ADMINISTER, OutboxEvent) is not None

    @admin.action(
        description=_("Gửi lại các sự kiện đồng bộ đã thất bại"),
        permissions=["redrive"],
    )
    def redrive(self, request, queryset):
        done = 0
        for state in queryset:
            try:
                done += services.redrive_dossier(actor=request.user, dossier_id=state.dossier_id)
            except DomainError as error:
                self.message_user(
                    request,
                    f"{state.dossier_id}: {error.message} ({error.message_en})",
                    messages.ERROR,
                )
        self.message_user(
            request,
            _("Đã gửi lại %(count)d sự kiện.") % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
