"""The catalogue pull: the fake portal's procedures become drafts of the catalogue
(never published), with their fields, components, fees and time limits; a second pull
of an unchanged catalogue makes nothing new; a changed procedure updates its draft."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from egov.catalog.models import Field, ProcedureVersion
from egov.core.models import AuditEntry
from egov.national import catalogue

pytestmark = pytest.mark.django_db


def test_the_national_catalogue_becomes_drafts_for_review(national):
    counts = catalogue.pull_catalogue()
    assert counts == {"fields": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert Field.objects.get(code="G22-TP-HT").name == "Hộ tịch"
    drafts = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.DRAFT)
    assert drafts.count() == 3 and not ProcedureVersion.objects.exclude(status="draft").exists()
    birth = drafts.get(procedure__code="1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh" and birth.same_day
    assert [c.name for c in birth.components.all()] == [
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Giấy chứng sinh",
    ]
    shop = drafts.get(procedure__code="2.000884")
    assert (shop.time_amount, shop.time_unit) == (Decimal(3), "working_days")
    assert [(f.name, f.amount) for f in shop.fees.all()] == [
        ("Lệ phí đăng ký hộ kinh doanh", 100000)
    ]
    assert [t.code for t in shop.tiers.all()] == ["commune"]
    assert AuditEntry.objects.filter(action="catalog.version.create").count() == 3


def test_an_unchanged_catalogue_makes_nothing_new_a_changed_one_updates_the_draft(national):
    catalogue.pull_catalogue()
    assert catalogue.pull_catalogue()["unchanged"] == 3
    national.procedures[1]["ThoiHanGiaiQuyet"] = "5 ngày làm việc"  # the national text changes
    assert catalogue.pull_catalogue() == {"fields": 3, "created": 0, "updated": 1, "unchanged": 2}
    versions = ProcedureVersion.objects.filter(procedure__code="2.000884")
    assert versions.count() == 1 and versions.get().time_amount == Decimal(5)


def test_the_command(national, capsys):
    call_command("national_pull_catalogue")
    assert "3 new draft(s)" in capsys.readouterr().out
