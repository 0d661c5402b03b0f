"""Seed the official 2026 decisions on days off and swapped working days.

Days marked DOMAIN are the facts listed in docs DOMAIN.md section 6. The others are
not from DOMAIN.md: they restate the Labor Code 2019 art. 111-112 days of 2026 so
that the year's official schedule reads in one place (the rules already give them),
or (marked SWAP) come from the 2026 National Day announcement cited by the
``holidays`` package (VietnamStaticHolidays, 2026 reference). Administrators correct
them in the Django admin; every change bumps the calendar revision.
"""

import datetime
import uuid

from django.db import migrations

D = datetime.date
OFF, WORK = "day_off", "working_day"

DECISIONS_2026 = [
    # DOMAIN: Tết Dương lịch 2026, off Thu 1 Jan - Sun 4 Jan; Sat 10 Jan is worked instead of Fri 2 Jan.
    (D(2026, 1, 1), OFF, "Tết Dương lịch", ""),
    (D(2026, 1, 2), OFF, "Nghỉ Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)", ""),
    (D(2026, 1, 10), WORK, "Làm bù cho ngày nghỉ 02/01/2026", ""),
    # DOMAIN: Tết Nguyên đán Bính Ngọ, off Sat 14 Feb - Sun 22 Feb 2026.
    *[
        (D(2026, 2, day), OFF, f"Nghỉ Tết Nguyên đán Bính Ngọ ({day:02d}/02/2026)", "")
        for day in range(14, 23)
    ],
    # Not from DOMAIN.md (rule restated): Hùng Kings day, 10/3 lunar = Sun 26 Apr 2026,
    # made up on Mon 27 Apr (Labor Code 2019 art. 111.3).
    (D(2026, 4, 26), OFF, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", ""),
    (D(2026, 4, 27), OFF, "Nghỉ bù Giỗ Tổ Hùng Vương (26/4 trùng Chủ nhật)", ""),
    # Not from DOMAIN.md (rule restated): 30 Apr (Thu) and 1 May (Fri) 2026.
    (D(2026, 4, 30), OFF, "Ngày Chiến thắng 30/4", ""),
    (D(2026, 5, 1), OFF, "Ngày Quốc tế Lao động 1/5", ""),
    # Not from DOMAIN.md (rule restated): National Day Wed 2 Sep + adjacent Tue 1 Sep 2026.
    (D(2026, 9, 1), OFF, "Quốc khánh (ngày liền kề)", ""),
    (D(2026, 9, 2), OFF, "Quốc khánh 2/9", ""),
    # SWAP, not from DOMAIN.md: Mon 31 Aug off, worked on Sat 22 Aug 2026 (source: the
    # holidays package's 2026 reference; check against the government's announcement).
    (D(2026, 8, 31), OFF, "Nghỉ Quốc khánh (hoán đổi, làm bù thứ Bảy 22/08/2026)", ""),
    (D(2026, 8, 22), WORK, "Làm bù cho ngày nghỉ 31/08/2026", ""),
]


def seed(apps, schema_editor):
    OfficialDecision = apps.get_model("workdays", "OfficialDecision")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    for day, kind, name, document in DECISIONS_2026:
        OfficialDecision.objects.update_or_create(
            day=day, defaults={"kind": kind, "name": name, "document": document}
        )
    revision, _ = CalendarRevision.objects.get_or_create(pk=1)
    revision.number += 1
    revision.token = uuid.uuid4()
    revision.save()


def unseed(apps, schema_editor):
    OfficialDecision = apps.get_model("workdays", "OfficialDecision")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    OfficialDecision.objects.filter(day__in=[d for d, *_ in DECISIONS_2026]).delete()
    CalendarRevision.objects.filter(pk=1).update(token=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
