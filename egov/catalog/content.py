"""The content of a procedure version as plain data.

One dict shape is used everywhere: the services write it, the importer and the demo
loader produce it, the exporter and the fingerprint read it::

    {"code", "name", "field_code", "tiers": [tier codes], "agencies": [agency codes],
     "legal_basis", "applicant_types": ["citizen", "business"],
     "channels": ["counter", "post", "online"], "time_amount": Decimal, "time_unit",
     "same_day", "cutoff_15h", "service_level": int, "online_class", "description",
     "components": [{"name", "originals", "certified_copies", "photocopies",
                     "mandatory", "reusable", "template"}],
     "fees": [{"name", "amount": int (VND), "collector", "payable_online",
               "collected_on_return", "note"}],
     "results": [{"name", "code"}],
     "participants": [{"is_lead", "agency_name", "agency", "tier", "task",
                       "time_share": Decimal}],
     "workflows": [{"agency", "tier", "steps": [{"order", "name", "role", "department",
                    "hours": Decimal, "actions": [..], "is_final"}]}]}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from egov.catalog import eform, rules
from egov.catalog.models import ProcedureVersion
from egov.catalog.rules import Problem
from egov.core.errors import DomainError

SCALARS = [
    "name",
    "field_code",
    "legal_basis",
    "time_amount",
    "time_unit",
    "same_day",
    "cutoff_15h",
    "service_level",
    "online_class",
    "description",
]


def defaults(code: str = "", name: str = "", field_code: str = "") -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "field_code": field_code,
        "tiers": [],
        "agencies": [],
        "legal_basis": "",
        "applicant_types": ["citizen"],
        "channels": ["counter"],
        "time_amount": Decimal(0),
        "time_unit": "working_days",
        "same_day": False,
        "cutoff_15h": False,
        "service_level": 2,
        "online_class": "",
        "description": "",
        "components": [],
        "fees": [],
        "results": [],
        "participants": [],
        "workflows": [],
    }


def of_version(version: ProcedureVersion) -> dict[str, Any]:
    """The content of a saved version (its related rows should be prefetched)."""
    applicant_types = [
        t
        for t, on in (("citizen", version.for_citizens), ("business", version.for_businesses))
        if on
    ]
    channels = [
        c
        for c, on in (
            ("counter", version.channel_counter),
            ("post", version.channel_post),
            ("online", version.channel_online),
        )
        if on
    ]
    extra = {"form_fields": version.form_fields} if version.form_fields else {}
    return {
        "code": version.procedure.code,
        "name": version.name,
        "field_code": version.field.code,
        "tiers": sorted(t.code for t in version.tiers.all()),
        "agencies": sorted(a.code for a in version.agencies.all()),
        "legal_basis": version.legal_basis,
        "applicant_types": applicant_types,
        "channels": channels,
        "time_amount": version.time_amount,
        "time_unit": version.time_unit,
        "same_day": version.same_day,
        "cutoff_15h": version.cutoff_15h,
        "service_level": version.service_level,
        "online_class": version.online_class,
        "description": version.description,
        "components": [
            {
                "name": c.name,
                "originals": c.originals,
                "certified_copies": c.certified_copies,
                "photocopies": c.photocopies,
                "mandatory": c.mandatory,
                "reusable": c.reusable,
                "template": c.template.name or "",
            }
            for c in version.components.all()
        ],
        "fees": [
            {
                "name": f.name,
                "amount": f.amount,
                "collector": f.collector,
                "payable_online": f.payable_online,
                "collected_on_return": f.collected_on_return,
                "note": f.note,
            }
            for f in version.fees.all()
        ],
        "results": [{"name": r.name, "code": r.code} for r in version.results.all()],
        "participants": [
            {
                "is_lead": p.is_lead,
                "agency_name": p.agency_name,
                "agency": p.agency.code if p.agency_id else "",
                "tier": p.tier.code if p.tier_id else "",
                "task": p.task,
                "time_share": p.time_share,
            }
            for p in version.participants.all()
        ],
        "workflows": [
            {
                "agency": w.agency.code if w.agency_id else "",
                "tier": w.tier.code if w.tier_id else "",
                "steps": [
                    {
                        "order": s.order,
                        "name": s.name,
                        "role": s.role,
                        "department": s.department,
                        "hours": s.hours,
                        "actions": list(s.actions),
                        "is_final": s.is_final,
                    }
                    for s in w.steps.all()
                ],
            }
            for w in version.workflows.all()
        ],
        **extra,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f")
            if value == value.to_integral()
            else str(value.normalize())
        )
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fingerprint(content: dict[str, Any]) -> str:
    """A hash of everything but the code: equal content, equal fingerprint (used to
    skip re-importing a version that is already there)."""
    body = {k: v for k, v in content.items() if k != "code"}
    # A version without its own fields hashes as before the fields existed.
    if not body.get("form_fields"):
        body.pop("form_fields", None)
    # A fee collected before the return (the default, and all fees before this field
    # existed) hashes as it did, so stored fingerprints stay valid.
    body["fees"] = [
        {k: v for k, v in f.items() if k != "collected_on_return" or v}
        for f in body.get("fees") or []
    ]
    text = json.dumps(_plain(body), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Known:
    """The codes a content may refer to, read once (an import checks thousands of rows)."""

    fields: set[str] = field(default_factory=set)
    tiers: set[str] = field(default_factory=set)
    agency_tiers: dict[str, str] = field(default_factory=dict)  # agency code -> tier code

    @classmethod
    def load(cls) -> Known:
        from egov.catalog.models import Field
        from egov.directory.models import Agency, Tier

        return cls(
            fields=set(Field.objects.values_list("code", flat=True)),
            tiers=set(Tier.objects.values_list("code", flat=True)),
            agency_tiers=dict(Agency.objects.values_list("code", "tier__code")),
        )


def validate(content: dict[str, Any], known: Known, *, publish: bool) -> list[Problem]:
    """Every problem of ``content``; ``publish`` adds the checks a published version
    must pass (a draft may be incomplete: a portal import has no workflow yet)."""
    problems: list[Problem] = []

    def check(
        fn: Callable,
        *args: Any,
        section: str = "procedure",
        index: int | None = None,
        step: int | None = None,
    ) -> None:
        try:
            fn(*args)
        except DomainError as exc:
            problems.append(
                Problem(exc.code, exc.message, exc.message_en, section, index, step, exc.field)
            )

    c = content
    check(rules.check_procedure_code, c.get("code"))
    check(rules.check_required, c.get("name"), "name", "tên thủ tục", "Procedure name")
    check(rules.check_known, "field", [c.get("field_code") or ""], known.fields, "field_code")
    check(rules.check_known, "tier", c.get("tiers", []), known.tiers, "tiers")
    check(rules.check_known, "agency", c.get("agencies", []), set(known.agency_tiers), "agencies")
    check(rules.check_time, c.get("time_amount"), c.get("time_unit"), c.get("same_day"))
    check(rules.check_channels, c.get("channels", []))
    check(rules.check_applicant_types, c.get("applicant_types", []))
    check(
        rules.check_service_level,
        c.get("service_level"),
        c.get("online_class", ""),
        "online" in c.get("channels", []),
    )
    for error in eform.spec_errors(c.get("form_fields")):
        problems.append(
            Problem(
                error.code, error.message, error.message_en, "procedure", None, None, error.field
            )
        )
    for i, comp in enumerate(c.get("components", [])):
        check(
            rules.check_required,
            comp.get("name"),
            "name",
            "tên giấy tờ",
            "Component name",
            section="components",
            index=i,
        )
        for key in ("originals", "certified_copies", "photocopies"):
            check(rules.check_count, comp.get(key), key, section="components", index=i)
    for i, fee in enumerate(c.get("fees", [])):
        check(
            rules.check_required,
            fee.get("name"),
            "name",
            "tên phí",
            "Fee name",
            section="fees",
            index=i,
        )
        check(rules.check_fee_amount, fee.get("amount"), section="fees", index=i)
    for i, result in enumerate(c.get("results", [])):
        check(
            rules.check_required,
            result.get("name"),
            "name",
            "tên kết quả",
            "Result name",
            section="results",
            index=i,
        )
    for i, part in enumerate(c.get("participants", [])):
        check(
            rules.check_required,
            part.get("agency_name"),
            "agency_name",
            "tên cơ quan",
            "Agency name",
            section="participants",
            index=i,
        )
        if part.get("agency"):
            check(
                rules.check_known,
                "agency",
                [part["agency"]],
                set(known.agency_tiers),
                "agency",
                section="participants",
                index=i,
            )
        if part.get("tier"):
            check(
                rules.check_known,
                "tier",
                [part["tier"]],
                known.tiers,
                "tier",
                section="participants",
                index=i,
            )
    if c.get("participants"):
        check(
            rules.check_participants,
            c["participants"],
            c.get("time_amount"),
            section="participants",
            index=0,
        )
    workflows = c.get("workflows", [])
    check(rules.check_workflows_distinct, workflows, section="workflows", index=0)
    total_hours = rules.workflow_hours(
        c.get("time_amount") or Decimal(0), c.get("time_unit"), c.get("same_day")
    )
    for i, wf in enumerate(workflows):
        if wf.get("agency"):
            check(
                rules.check_known,
                "agency",
                [wf["agency"]],
                set(known.agency_tiers),
                "agency",
                section="workflows",
                index=i,
                step=0,
            )
        if wf.get("tier"):
            check(
                rules.check_known,
                "tier",
                [wf["tier"]],
                known.tiers,
                "tier",
                section="workflows",
                index=i,
                step=0,
            )
        check(
            rules.check_workflow_target,
            wf,
            c.get("tiers", []),
            c.get("agencies", []),
            known.agency_tiers,
            section="workflows",
            index=i,
            step=0,
        )
        steps = wf.get("steps", [])
        before = len(problems)
        for j, step in enumerate(steps):
            check(rules.check_step, step, section="workflows", index=i, step=j)
        if len(problems) == before and steps:
            check(rules.check_workflow_shape, steps, section="workflows", index=i, step=0)
            check(
                rules.check_workflow_allotments,
                steps,
                total_hours,
                section="workflows",
                index=i,
                step=0,
            )
        elif not steps:
            check(rules.check_workflow_shape, steps, section="workflows", index=i)
    if publish:
        check(rules.check_time_set, c.get("time_amount"), c.get("same_day"))
        check(rules.check_implementers, c.get("tiers", []), c.get("agencies", []))
        check(rules.check_workflow_present, workflows)
    return problems
