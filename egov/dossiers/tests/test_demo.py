from django.core.management import call_command

from egov.core.models import AuditEntry
from egov.directory.models import User
from egov.dossiers import queries
from egov.dossiers.models import Dossier


def test_demo_dossiers_fill_the_queues_and_load_once(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_catalog", verbosity=0)
    call_command("load_demo_dossiers", verbosity=0)
    count, audited = Dossier.objects.count(), AuditEntry.objects.count()
    assert count == 11
    call_command("load_demo_dossiers", verbosity=0)
    assert (Dossier.objects.count(), AuditEntry.objects.count()) == (count, audited)

    desk = User.objects.get(username="chomoi.motcua")
    counts = queries.queue_counts(desk)
    assert counts["to_receive"] == 1 and counts["to_forward"] == 3
    assert counts["to_return"] == 1 and counts["overdue"] >= 1
    specialist = User.objects.get(username="chomoi.chuyenvien")
    assert queries.queue_counts(specialist)["to_process"] == 4
    leader = User.objects.get(username="chomoi.lanhdao")
    assert queries.queue_counts(leader)["to_sign"] == 1
    assert queries.queue_counts(leader)["to_process"] == 0
