"""Sessions name their account (egov/core/sessions.py), so that deleting an account
ends its sessions; everything Django checks still holds."""

from django.contrib.auth import SESSION_KEY

from egov.core.models import Session

URL = "/api/v1/dossiers/queues"


def test_a_session_names_its_account(client, people):
    client.force_login(people.desk_officer)
    session = Session.objects.get()
    assert session.user_id == people.desk_officer.pk
    assert session.get_decoded()[SESSION_KEY] == str(people.desk_officer.pk)
    assert client.get(URL).status_code == 200


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
