"""The column layout of catalogue files (XLSX: one sheet each; CSV: one file each,
zipped). docs/catalog.md documents every column. Export writes exactly this layout
and import reads it, so an exported file imports back unchanged."""

from __future__ import annotations

SHEETS: dict[str, list[str]] = {
    "procedures": [
        "code",
        "name",
        "field_code",
        "tiers",
        "agencies",
        "applicant_types",
        "channels",
        "time_amount",
        "time_unit",
        "same_day",
        "cutoff_15h",
        "service_level",
        "online_class",
        "legal_basis",
        "description",
        "status",
        "effective_from",
    ],
    "components": [
        "procedure_code",
        "order",
        "name",
        "originals",
        "certified_copies",
        "photocopies",
        "mandatory",
        "reusable",
        "template",
    ],
    "fees": [
        "procedure_code",
        "order",
        "name",
        "amount",
        "collector",
        "payable_online",
        "note",
        "collected_on_return",
    ],
    "workflow_steps": [
        "procedure_code",
        "workflow_agency",
        "workflow_tier",
        "order",
        "name",
        "role",
        "department",
        "hours",
        "actions",
        "is_final",
    ],
    "results": ["procedure_code", "order", "name", "code"],
    "participants": [
        "procedure_code",
        "order",
        "is_lead",
        "agency_name",
        "agency",
        "tier",
        "task",
        "time_share",
    ],
    "fields": ["code", "name"],
}

# Columns that may be left out of a file (the others are required when the sheet is there).
OPTIONAL = {
    "procedures": {
        "agencies",
        "legal_basis",
        "description",
        "cutoff_15h",
        "same_day",
        "online_class",
        "status",
        "effective_from",
    },
    "components": {"order", "certified_copies", "photocopies", "reusable", "template"},
    "fees": {"order", "collector", "payable_online", "note", "collected_on_return"},
    "workflow_steps": {"workflow_agency", "workflow_tier", "department"},
    "results": {"order", "code"},
    "participants": {"order", "agency", "tier", "task", "time_share"},
    "fields": set(),
}

LIST_SEPARATOR = ", "
