"""Read-only admin of the notifications, listed through the access policy (an
officer or administrator sees those of the dossiers of their agencies)."""

from __future__ import annotations

from django.contrib import admin

from egov.directory.admin_core import ReadOnlyPolicyAdmin
from egov.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyPolicyAdmin):
    list_display = ["created_at", "dossier", "kind", "channel", "recipient", "state", "attempts"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]
    ordering = ["-created_at", "-id"]
    readonly_fields = [
        "event",
        "dossier",
        "kind",
        "channel",
        "recipient",
        "subject",
        "body",
        "reference",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    ]
