"""The fast answers of the dossier API (api/output.py) say exactly what the
serializers that document them (and the OpenAPI file) say, and the queues never leave
the officer's scope though they no longer go through it."""

from __future__ import annotations

import datetime
import operator
from functools import reduce

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from egov.directory.models import Agency, User
from egov.dossiers import queries
from egov.dossiers.api import output
from egov.dossiers.api.serializers import DossierDetailSerializer, DossierListItemSerializer
from egov.dossiers.models import Consultation, Dossier, DossierTask, ResultFile
from egov.dossiers.tests.factories import pdf_bytes


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_catalog", verbosity=0)
    call_command("load_demo_dossiers", verbosity=0)
    # Demo dossiers have no inter-agency parts, consultations or result files: add some.
    dossier = Dossier.objects.filter(status="processing").order_by("pk").first()
    other = Agency.objects.exclude(pk=dossier.processing_agency_id).order_by("pk").first()
    now = timezone.now()
    DossierTask.objects.create(
        dossier=dossier,
        agency=other,
        is_lead=False,
        task="Xác minh thông tin đất đai",
        started_at=now,
        due_at=now + datetime.timedelta(days=2),
    )
    Consultation.objects.create(
        dossier=dossier,
        agency=other,
        question="Ý kiến về quy hoạch?",
        asked_at=now - datetime.timedelta(days=5),
        due_at=now - datetime.timedelta(days=1),
    )
    ResultFile.objects.create(
        dossier=dossier,
        name="Quyết định",
        file=SimpleUploadedFile("qd.pdf", pdf_bytes()),
        original_name="qd.pdf",
        content_type="application/pdf",
        uploaded_at=now,
    )
    return dossier


def test_detail_and_list_items_match_the_serializers(demo):
    actors = [
        User.objects.get(username=name)
        for name in ("chomoi.motcua", "chomoi.chuyenvien", "chomoi.lanhdao", "tinh.thanhtra")
    ]
    owners = User.objects.filter(kind="citizen")
    compared = 0
    for dossier in Dossier.objects.order_by("pk"):
        for actor in [*actors, *owners]:
            shown = queries.dossier_detail(actor, dossier.code)
            if shown is None:
                continue
            tasks = queries.visible_tasks(actor, shown)
            officer = bool(actor.is_officer)
            expected = DossierDetailSerializer(
                shown, context={"tasks": tasks, "show_officers": officer}
            ).data
            assert output.detail(shown, tasks=tasks, show_officers=officer) == expected
            assert output.list_item(shown) == DossierListItemSerializer(shown).data
            compared += 1
    assert compared >= 30
    shown = queries.dossier_detail(User.objects.get(username="tinh.thanhtra"), demo.code)
    data = output.detail(shown, tasks=queries.visible_tasks(shown, shown), show_officers=True)
    assert data["consultations"][0]["overdue"] is True
    result = data["result_files"][0]
    assert result["file"] == f"/tep/ket-qua/{result['id']}/" and result["file_name"] == "qd.pdf"


def test_every_queue_stays_within_what_the_officer_may_see(demo):
    personas = list(User.objects.all())
    nonempty = merged = 0
    for actor in personas:
        visible = set(queries.visible(actor).values_list("pk", flat=True))
        for name in queries.QUEUES:
            queue = queries.queue(actor, name)
            in_order = [d.pk for d in queue]
            listed = set(in_order)
            assert listed <= visible, (actor, name)
            assert queries.queue_counts(actor)[name] == len(listed) == queue.count()
            # Merged parts come in the order one query over the whole queue gives.
            whole = reduce(operator.or_, queries.queue_filters(actor)[name])
            reference = Dossier.objects.filter(whole).order_by(
                F("due_at").asc(nulls_last=True), "id"
            )
            assert in_order == list(reference.values_list("pk", flat=True)), (actor, name)
            assert [d.pk for d in queue[1:3]] == in_order[1:3]
            nonempty += bool(listed)
            merged += bool(listed) and isinstance(queue, queries.MergedQueue)
    assert nonempty >= 6 and merged >= 2


def test_object_checks_agree_with_the_list_filter(demo):
    """``can`` answers most checks from memory (``permissions._surely``): for every demo
    account, dossier and action it must say what the filter says, and the page opens
    exactly the dossiers the list shows."""
    from django.contrib.auth.models import AnonymousUser

    from egov.core import permissions
    from egov.core.permissions import Action, can, scope

    actors = [AnonymousUser(), *User.objects.order_by("pk")]
    dossiers = list(Dossier.objects.order_by("pk"))
    in_memory = 0
    for actor in actors:
        for action in Action:
            try:
                listed = set(
                    scope(actor, action, Dossier.objects.all()).values_list("pk", flat=True)
                )
            except LookupError:
                continue
            for dossier in dossiers:
                allowed = dossier.pk in listed
                assert can(actor, action, dossier) == allowed, (actor, action, dossier.code)
                if permissions._surely(actor, action, dossier):
                    assert allowed, (actor, action, dossier.code)
                    in_memory += 1
        visible = set(queries.visible(actor).values_list("pk", flat=True))
        opened = {d.pk for d in dossiers if queries.dossier_detail(actor, d.code) is not None}
        assert opened == visible, actor
    assert in_memory >= 100
