"""Read-only admin of the message log for the auditor and the province administrator:
records, seals and archive files can be read, never added, changed or deleted."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from egov.directory.admin_core import ReadOnlyPolicyAdmin
from egov.messagelog import crypto
from egov.messagelog.models import MessageArchive, MessageRecord, MessageSeal


def _all_fields(model) -> list[str]:
    return [f.name for f in model._meta.fields]


@admin.register(MessageRecord)
class MessageRecordAdmin(ReadOnlyPolicyAdmin):
    list_display = ["seq", "logged_at", "client", "service", "method", "status", "latency_ms"]
    list_filter = ["status", "method"]
    search_fields = ["message_id", "user", "client", "service"]  # see get_search_results
    date_hierarchy = "logged_at"
    ordering = ["-seq"]
    readonly_fields = _all_fields(MessageRecord)
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # The log holds pseudonyms: search for the pseudonym of what was typed (exact
        # matches, on indexed or short columns).
        term = search_term.strip()
        if not term:
            return queryset, False
        found = Q()
        for key in crypto.all_keys():  # the records of every key still configured
            found |= (
                Q(message_id=key.scrub(term))
                | Q(user=key.pseudonym(term))
                | Q(client=key.scrub(term))
                | Q(service=key.scrub(term))
            )
        return queryset.filter(found), False


@admin.register(MessageSeal)
class MessageSealAdmin(ReadOnlyPolicyAdmin):
    list_display = ["first_seq", "last_seq", "records", "gen_time", "tsa_url"]
    ordering = ["-first_seq"]
    readonly_fields = _all_fields(MessageSeal)


@admin.register(MessageArchive)
class MessageArchiveAdmin(ReadOnlyPolicyAdmin):
    list_display = ["file_name", "first_seq", "last_seq", "records", "created_at", "sha256"]
    ordering = ["-first_seq"]
    readonly_fields = _all_fields(MessageArchive)
