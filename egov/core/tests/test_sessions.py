"""Sessions name their account, so that a request reads its session and its user in
one statement (egov/core/sessions.py); everything Django checks still holds."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.core import sessions
from egov.core.models import Session

URL = "/api/v1/dossiers/queues"


def _user_reads(captured) -> list[str]:
    table = people_table()
    return [q["sql"] for q in captured if f'"{table}"' in q["sql"] or f" {table} " in q["sql"]]


def people_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


def test_a_request_reads_session_and_user_in_one_statement(client, people):
    client.force_login(people.desk_officer)
    session = Session.objects.get()
    assert session.user_id == people.desk_officer.pk
    assert session.get_decoded()[SESSION_KEY] == str(people.desk_officer.pk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    reads = _user_reads(captured.captured_queries)
    assert len(reads) == 1 and "core_session" in reads[0], reads


def test_a_session_without_its_account_column_still_works(client, people):
    """Sessions copied from before the upgrade have no user column: the user is read
    on its own, as before."""
    client.force_login(people.desk_officer)
    Session.objects.update(user=None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(_user_reads(captured.captured_queries)) == 2


def test_a_deactivated_account_or_a_changed_password_ends_the_session(client, people):
    user = people.desk_officer
    client.force_login(user)
    assert client.get(URL).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(URL).status_code in (401, 403)
    user.is_active = True
    user.save(update_fields=["is_active"])
    client.force_login(user)
    assert client.get(URL).status_code == 200
    user.set_password("một mật khẩu mới rất dài 2026")
    user.save(update_fields=["password"])
    assert client.get(URL).status_code in (401, 403)


def test_deleting_an_account_ends_its_sessions(db):
    """(Accounts that have acted cannot be deleted: the audit log refers to them.)"""
    from django.contrib.auth import get_user_model

    from egov.core.sessions import SessionStore

    user = get_user_model().objects.create_user(username="tam.thoi", password="x" * 16)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store.create()
    assert Session.objects.get(session_key=store.session_key).user_id == user.pk
    user.delete()
    assert not Session.objects.filter(session_key=store.session_key).exists()


@pytest.mark.parametrize("asked, given", [(5, "five"), (6, None)])
def test_the_user_read_with_the_session_serves_only_its_own_id_once(asked, given):
    sessions._loaded.set((5, "five"))
    assert sessions.take_loaded_user(asked) == given
    assert sessions.take_loaded_user(5) is None  # taken, or thrown away


def test_decoded_sessions_are_remembered_but_never_shared(db):
    store = sessions.SessionStore()
    signed = store.encode({"a": "1", "n": 2})
    first, second = store.decode(signed), store.decode(signed)
    assert first == second == {"a": "1", "n": 2} and first is not second
    first["a"] = "changed"
    assert store.decode(signed)["a"] == "1"
    assert store.decode(store.encode({"a": "2"})) == {"a": "2"}
    assert store.decode(signed[:-3] + "xyz") == {}  # a bad signature is still refused
