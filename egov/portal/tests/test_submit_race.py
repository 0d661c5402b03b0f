"""Two submissions of one application at the same moment (two tabs, a double click
that reached the server twice): one dossier, and both answers name it. Real threads,
each with its own database connection, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import district_procedure
from egov.portal import services
from egov.portal.tests.test_apply import FEE, _filled


@pytest.fixture
def version(committed_db):
    return district_procedure("2.000720", fees=[FEE])


def test_two_tabs_submitting_at_once_make_one_dossier(people, places, version):
    application = _filled(people, places, version)
    start = threading.Barrier(2)
    codes, errors = [], []

    def submit():
        try:
            start.wait()
            dossier = services.submit(actor=people.citizen, application=application, consent=True)
            codes.append(dossier.code)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert Dossier.objects.count() == 1
    assert codes == [Dossier.objects.get().code] * 2
