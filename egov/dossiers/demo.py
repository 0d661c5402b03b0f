"""Demo dossiers at UBND huyện Chợ Mới, in every queue of the officer workspace, made
through the real services (so they carry history, audit entries and outbox events).

DEMO DATA: applicants and dossiers are invented. Loading is idempotent: it does
nothing when the demo desk already has dossiers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from egov.catalog.queries import version_in_force
from egov.directory.models import User
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.services import ComponentInput
from egov.workdays import engine
from egov.workdays import services as workdays

PROCEDURE = "2.000720"  # Đăng ký thành lập hộ kinh doanh (district)
APPLICANTS = [
    ("Nông Thị Hằng", "006185004321", "Thôn Nà Pán, xã Yên Đĩnh, huyện Chợ Mới"),
    ("Hoàng Văn Quân", "006090001122", "Tổ 2, thị trấn Đồng Tâm, huyện Chợ Mới"),
    ("Lường Thị Mai", "006192007788", "Thôn Bản Đăm, xã Như Cố, huyện Chợ Mới"),
    ("Triệu Văn Sơn", "006088003344", "Thôn Khuổi Đăm, xã Thanh Vận, huyện Chợ Mới"),
    ("Đàm Thị Nga", "006195005566", "Thôn Nà Làng, xã Bình Văn, huyện Chợ Mới"),
    ("Ma Văn Hùng", "006087009900", "Tổ 7, thị trấn Đồng Tâm, huyện Chợ Mới"),
    ("Bế Thị Xuân", "006193002211", "Thôn Bản Chang, xã Quảng Chu, huyện Chợ Mới"),
    ("La Văn Dũng", "006091006655", "Thôn Khau Bang, xã Yên Hân, huyện Chợ Mới"),
    ("Hà Thị Nhung", "006196008877", "Thôn Nà Chú, xã Mai Lạp, huyện Chợ Mới"),
    ("Lý Văn Thành", "006089004455", "Thôn Pác Cáp, xã Cao Kỳ, huyện Chợ Mới"),
]


@dataclass
class DemoDossiers:
    created: int

    def __str__(self) -> str:
        return f"Demo dossiers: +{self.created}"


def _applicant(index: int) -> dict[str, Any]:
    name, id_number, address = APPLICANTS[index % len(APPLICANTS)]
    return {
        "type": "citizen",
        "name": name,
        "id_number": id_number,
        "address": address,
        "phone": f"09123450{index:02d}",
    }


def load_demo_dossiers() -> DemoDossiers:
    desk = User.objects.filter(username="chomoi.motcua").select_related("officer").first()
    version = version_in_force(PROCEDURE)
    if desk is None or version is None:
        return DemoDossiers(0)  # the demo province or catalogue is not loaded
    if Dossier.objects.filter(receiving_agency=desk.officer.agency).exists():
        return DemoDossiers(0)
    specialist = User.objects.get(username="chomoi.chuyenvien")
    leader = User.objects.get(username="chomoi.lanhdao")
    citizen = User.objects.get(username="congdan.lan")
    calendar = workdays.get_calendar()
    today = timezone.localdate()

    def working_day_back(n: int, hour: int = 9) -> datetime.datetime:
        day, seen = today, 0
        while seen < n or not calendar.is_working_day(day):
            day -= datetime.timedelta(days=1)
            if calendar.is_working_day(day):
                seen += 1
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=engine.TZ)

    checklist = [ComponentInput(component_id=c.pk, originals=1) for c in version.components.all()]
    created = 0

    def receive(i: int, when: datetime.datetime) -> Dossier:
        nonlocal created
        created += 1
        return services.receive(
            actor=desk,
            procedure_code=PROCEDURE,
            channel="counter",
            applicant=_applicant(i),
            components=checklist,
            now=when,
        )

    with transaction.atomic():
        for i in range(3):  # received, waiting to be forwarded
            receive(i, working_day_back(0, 8 + i))
        for i in range(3, 6):  # at the specialist
            d = receive(i, working_day_back(1))
            services.forward(actor=desk, dossier=d, now=working_day_back(1, 10))
        d = receive(6, working_day_back(2))  # at the leader, to sign
        d = services.forward(actor=desk, dossier=d, now=working_day_back(2, 10))
        services.advance(actor=specialist, dossier=d, now=working_day_back(1, 14))
        d = receive(7, working_day_back(2))  # supplement requested
        d = services.forward(actor=desk, dossier=d, now=working_day_back(2, 10))
        services.request_supplement(
            actor=specialist,
            dossier=d,
            missing=[checklist[0].component_id],
            reason="Bản sao giấy tờ tùy thân không rõ",
            now=working_day_back(1, 9),
        )
        d = receive(8, working_day_back(3))  # finished, result to return
        d = services.forward(actor=desk, dossier=d, now=working_day_back(3, 10))
        d = services.advance(actor=specialist, dossier=d, now=working_day_back(2, 10))
        services.record_result(actor=leader, dossier=d, now=working_day_back(1, 10))
        d = receive(9, working_day_back(8))  # overdue at the specialist
        services.forward(actor=desk, dossier=d, now=working_day_back(8, 10))
        created += 1  # an online submission waiting for the desk
        services.submit_online(
            actor=citizen,
            procedure_code=PROCEDURE,
            receiving_agency=desk.officer.agency,
            applicant={
                **_applicant(0),
                "name": citizen.full_name,
                "id_number": citizen.applicant.id_number,
            },
            components=checklist,
            now=working_day_back(0, 8),
        )
    return DemoDossiers(created)
