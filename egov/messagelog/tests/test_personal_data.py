"""Nothing in the log lets a reader recover an ID number without the key: the raw
rows are searched for a citizen's CCCD and it is not there, in clear or in any usual
encoding; with the key, the bodies open again."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from egov.messagelog import crypto
from egov.messagelog.models import MessageRecord
from egov.messagelog.tests.helpers import CCCD, exchange
from egov.messagelog.verify import verify

pytestmark = pytest.mark.django_db

KEY = "k1:" + "ab" * 32
REQUEST = json.dumps({"soDinhDanh": CCCD, "hoTen": "Nguyễn Văn An"}, ensure_ascii=False)
RESPONSE = json.dumps({"soDinhDanh": CCCD, "ngaySinh": "1999-01-02", "cmndCu": "012345678"})


def _raw_rows() -> bytes:
    """Every column of every row, as the database returns it, as bytes."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {MessageRecord._meta.db_table}")
        rows = cursor.fetchall()
    parts = []
    for row in rows:
        for value in row:
            if isinstance(value, bytes | bytearray | memoryview):
                parts.append(bytes(value))
            else:
                parts.append(str(value).encode())
    return b"\x00".join(parts)


def _log_with_personal_data():
    return exchange(
        1,
        user_id=CCCD,
        path=f"/gateway/VN/GOV/G01/dancu/cong-dan/{CCCD}?cmnd=012345678",
        message_id=f"hoso-{CCCD}",
        error_type=f"not_found: {CCCD}",
        request_body=REQUEST,
        response_body=RESPONSE.encode(),
    )


def test_no_id_number_can_be_read_from_the_rows(settings):
    settings.MESSAGELOG_BODIES = True
    settings.MESSAGELOG_KEY = KEY
    record = _log_with_personal_data()
    raw = _raw_rows()
    for secret in (CCCD, "012345678"):
        for encoded in (
            secret.encode(),
            secret.encode("utf-16-le"),
            base64.b64encode(secret.encode()),
            secret.encode().hex().encode(),
        ):
            assert encoded not in raw
    assert record.request_body and record.response_body  # kept, encrypted
    stored = MessageRecord.objects.get(pk=record.pk)
    assert stored.user == crypto.current().pseudonym(CCCD)
    assert stored.path.startswith("/gateway/VN/GOV/G01/dancu/cong-dan/~")
    assert verify().ok


def test_with_the_key_the_bodies_open_and_without_it_they_do_not(settings):
    settings.MESSAGELOG_BODIES = True
    settings.MESSAGELOG_KEY = KEY
    stored = MessageRecord.objects.get(pk=_log_with_personal_data().pk)
    key = crypto.key(stored.key_id)
    opened = crypto.open_body(
        key, stored.request_body, message_id=stored.message_id, which="request"
    )
    assert opened.decode() == REQUEST
    assert RESPONSE.encode() == crypto.open_body(
        key, stored.response_body, message_id=stored.message_id, which="response"
    )
    with pytest.raises(InvalidTag):  # another record's body put here
        crypto.open_body(key, stored.request_body, message_id="other", which="request")
    settings.MESSAGELOG_KEY = "k2:" + "cd" * 32
    with pytest.raises(InvalidTag):
        crypto.open_body(
            crypto.current(), stored.request_body, message_id=stored.message_id, which="request"
        )


def test_bodies_are_not_kept_unless_configured(settings):
    settings.MESSAGELOG_BODIES = False
    stored = MessageRecord.objects.get(pk=_log_with_personal_data().pk)
    assert stored.request_body is None and stored.response_body is None
    assert CCCD.encode() not in _raw_rows()


def test_the_same_person_has_the_same_pseudonym_under_one_key(settings):
    settings.MESSAGELOG_KEY = KEY
    first = exchange(1, user_id=CCCD)
    second = exchange(2, user_id=CCCD)
    other = exchange(3, user_id="001099054321")
    assert first.user == second.user != other.user
    settings.MESSAGELOG_KEY = KEY + ",k2:" + "cd" * 32  # rotated: k2 writes
    rotated = exchange(4, user_id=CCCD)
    assert rotated.key_id == "k2" and rotated.user != first.user
    assert crypto.key("k1").pseudonym(CCCD) == first.user  # the old key still reads
    assert verify().ok
