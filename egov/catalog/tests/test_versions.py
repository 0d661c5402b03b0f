"""Versions: drafts are invisible, publishing freezes a version, dossiers pin the
version in force at reception."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.catalog import cache, queries, services
from egov.catalog.models import ProcedureVersion
from egov.catalog.tests.factories import content, published
from egov.core.errors import DomainError, NotPermitted
from egov.core.models import AuditEntry, OutboxEvent
from egov.core.permissions import SYSTEM

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_draft_is_invisible_to_public_and_reception():
    draft = services.save_draft(actor=SYSTEM, content=content())
    assert draft.status == ProcedureVersion.Status.DRAFT
    assert queries.version_in_force("1.001193", at=timezone.now()) is None
    assert not queries.public_versions().exists()
    assert queries.public_detail("1.001193") is None


def test_publish_writes_audit_and_outbox_event():
    version = published(effective_from=datetime.date(2024, 1, 1))
    assert version.status == ProcedureVersion.Status.PUBLISHED
    event = OutboxEvent.objects.get(topic="catalog.procedure_published")
    assert event.payload["code"] == "1.001193"
    assert event.payload["number"] == 1
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["catalog.version.create", "catalog.version.publish"]


def test_version_in_force_pins_by_reception_date():
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    draft = services.new_draft_from(actor=SYSTEM, version=v1)
    services.save_draft(
        actor=SYSTEM,
        version=draft,
        content=content(
            time_amount=Decimal(2), workflows=[{"agency": "", "tier": "", "steps": _two_steps(16)}]
        ),
    )
    # Not published yet: reception still pins v1, even for a date after its planned start.
    later = TODAY + datetime.timedelta(days=10)
    assert queries.version_in_force("1.001193", at=later) == v1
    v2 = services.publish_version(actor=SYSTEM, version=draft, effective_from=later)
    assert v2.number == 2
    noon = datetime.datetime.combine(
        TODAY, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    assert queries.version_in_force("1.001193", at=noon) == v1
    assert queries.version_in_force("1.001193", at=noon + datetime.timedelta(days=10)) == v2
    assert queries.version_in_force("1.001193", at=datetime.date(2023, 12, 31)) is None
    # The public catalogue shows the version in force today, and the new one from its date.
    assert list(queries.public_versions()) == [v1]
    assert list(queries.public_versions(on=later)) == [v2]
    # The hot path (catalogue cache) agrees on every date, before and after a retirement.
    dates = [datetime.date(2023, 12, 31), noon, later, noon + datetime.timedelta(days=30)]
    for at in dates:
        assert cache.version_in_force("1.001193", at) == queries.version_in_force("1.001193", at=at)
    cached = cache.version_in_force("1.001193", later)
    assert [c.pk for c in cached.components.all()] == [c.pk for c in v2.components.all()]
    services.retire_version(actor=SYSTEM, version=v2)
    for at in dates:
        assert cache.version_in_force("1.001193", at) == queries.version_in_force("1.001193", at=at)


def _two_steps(hours: int):
    return [
        {
            "order": 1,
            "name": "Tiếp nhận",
            "role": "desk_officer",
            "department": "",
            "hours": Decimal(4),
            "actions": ["forward"],
            "is_final": False,
        },
        {
            "order": 2,
            "name": "Giải quyết",
            "role": "specialist",
            "department": "",
            "hours": Decimal(hours - 4),
            "actions": ["approve", "return_result"],
            "is_final": True,
        },
    ]


def test_published_version_is_frozen():
    v1 = published()
    with pytest.raises(DomainError) as exc:
        services.save_draft(actor=SYSTEM, version=v1, content=content(name="Tên mới"))
    assert exc.value.code == "version_not_draft"
    with pytest.raises(DomainError) as exc:
        services.publish_version(actor=SYSTEM, version=v1, effective_from=TODAY)
    assert exc.value.code == "version_not_draft"


def test_new_version_cannot_take_effect_in_the_past_or_before_previous():
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    draft = services.new_draft_from(actor=SYSTEM, version=v1)
    with pytest.raises(DomainError) as exc:
        services.publish_version(
            actor=SYSTEM, version=draft, effective_from=datetime.date(2023, 6, 1)
        )
    assert exc.value.code == "effective_from_not_after_previous"
    with pytest.raises(DomainError) as exc:
        services.publish_version(
            actor=SYSTEM, version=draft, effective_from=TODAY - datetime.timedelta(days=1)
        )
    assert exc.value.code == "effective_from_in_past"
    assert services.publish_version(actor=SYSTEM, version=draft, effective_from=TODAY).number == 2


def test_retired_version_is_no_longer_in_force():
    v1 = published(effective_from=datetime.date(2024, 1, 1))
    draft = services.new_draft_from(actor=SYSTEM, version=v1)
    v2 = services.publish_version(actor=SYSTEM, version=draft, effective_from=TODAY)
    assert queries.version_in_force("1.001193") == v2
    services.retire_version(actor=SYSTEM, version=v2)
    assert queries.version_in_force("1.001193") == v1


def test_publish_requires_complete_content():
    draft = services.save_draft(actor=SYSTEM, content=content(workflows=[], tiers=[]))
    with pytest.raises(DomainError) as exc:
        services.publish_version(actor=SYSTEM, version=draft, effective_from=TODAY)
    codes = {d["code"] for d in exc.value.details}
    assert codes == {"implementer_missing", "workflow_missing"}


def test_only_catalogue_administrators_edit(people):
    with pytest.raises(NotPermitted):
        services.save_draft(actor=people.desk_officer, content=content())
    with pytest.raises(NotPermitted):
        services.save_draft(actor=None, content=content())
    draft = services.save_draft(actor=people.province_admin, content=content())
    with pytest.raises(NotPermitted):
        services.publish_version(actor=people.citizen, version=draft, effective_from=TODAY)
    version = services.publish_version(
        actor=people.province_admin, version=draft, effective_from=TODAY
    )
    entry = AuditEntry.objects.filter(action="catalog.version.publish").get()
    assert entry.actor_id == people.province_admin.pk
    assert version.created_by == people.province_admin


def test_everyone_may_view(people):
    from egov.core.permissions import Action, can

    version = published()
    for actor in (None, people.citizen, people.desk_officer, people.foreign_officer):
        assert can(actor, Action.VIEW, version)
    assert not can(people.desk_officer, Action.CHANGE, version)
    assert can(people.province_admin, Action.CHANGE, version)


def test_unchanged_import_is_skipped():
    version = published()
    outcome, same = services.import_version(
        actor=SYSTEM,
        content=content(),
        status="published",
        effective_from=datetime.date(2024, 1, 1),
    )
    assert (outcome, same) == ("unchanged", version)
    assert ProcedureVersion.objects.count() == 1


def test_admin_edit_of_a_draft_is_checked_and_audited():
    draft = services.save_draft(actor=SYSTEM, content=content())
    draft.name = "Thủ tục đăng ký khai sinh (sửa)"
    draft.save()
    step = draft.workflows.get().steps.get(order=2)
    step.hours = Decimal(10)
    step.save()
    with pytest.raises(DomainError) as exc:
        services.record_admin_edit(actor=SYSTEM, version=draft)
    assert exc.value.code == "workflow_allotment_mismatch"
    step.hours = Decimal(16)
    step.save()
    version = services.record_admin_edit(actor=SYSTEM, version=draft)
    assert version.search_text == "1.001193 thu tuc dang ky khai sinh (sua)"
    published_version = services.publish_version(
        actor=SYSTEM, version=version, effective_from=TODAY
    )
    with pytest.raises(DomainError):
        services.record_admin_edit(actor=SYSTEM, version=published_version)


def test_published_versions_are_cached_and_drafts_are_not(django_assert_num_queries):
    """egov/catalog/cache.py keeps published versions in Django's cache framework: a
    second read costs no query and gives a copy with the same items; a draft is read
    every time."""
    v1 = published(effective_from=TODAY)
    draft = services.save_draft(actor=SYSTEM, content=content())
    first = cache.version(v1.pk)
    with django_assert_num_queries(0):
        again = cache.version(v1.pk)
        assert again is not first and again == first
        assert again.items.components.keys() == first.items.components.keys()
        assert [s.pk for w in again.workflows.all() for s in w.steps.all()] == [
            s.pk for w in first.workflows.all() for s in w.steps.all()
        ]
    cache.version(draft.pk)
    with CaptureQueriesContext(connection) as captured:
        cache.version(draft.pk)
    assert len(captured.captured_queries) >= 1
