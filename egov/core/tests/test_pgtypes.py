"""The faster ``timestamptz`` reading gives exactly what Django's loader gives."""

import datetime

import pytest
from django.db import connection
from psycopg.pq import Format

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'")


def _loaders():
    connection.ensure_connection()
    adapters = connection.connection.adapters
    fast = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    django_loader = fast.__mro__[1]
    return fast, django_loader


def test_the_connection_reads_timestamps_with_the_fast_loader(db):
    fast, django_loader = _loaders()
    assert getattr(fast, "_egov_fast", False)
    assert django_loader.__module__.startswith("django.")
    assert fast.timezone is django_loader.timezone  # Django's cursor check keeps it


def test_same_values_as_djangos_loader(db):
    """Random instants across the whole range, every precision, and the forms left to
    Django's loader (BC, years past 9999, other offsets, infinity)."""
    fast, django_loader = _loaders()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t::text FROM ("
            " SELECT timestamptz '0001-01-01 00:00:00+00' + random() * interval '9998 years' AS t"
            " FROM generate_series(1, 3000)"
            " UNION ALL SELECT date_trunc('second', now())"
            " UNION ALL SELECT date_trunc('milliseconds', now())"
            " UNION ALL SELECT timestamptz '2026-12-01 00:00:00.1+00'"
            " UNION ALL SELECT timestamptz '9999-12-31 23:59:59.999999+00') s"
        )
        texts = [row[0].encode() for row in cursor.fetchall()]
    others = [b"2026-12-01 17:30:00+07", b"2026-12-01 10:00:00+05:30"]
    quick, slow = fast(1184, connection.connection), django_loader(1184, connection.connection)
    for text in texts + others:
        assert quick.load(text) == slow.load(text), text
        assert quick.load(text).tzinfo == slow.load(text).tzinfo
    for text in (b"10000-01-01 00:00:00+00", b"infinity", b"0044-03-15 12:00:00+00 BC"):
        with pytest.raises(Exception) as fast_error:
            quick.load(text)
        with pytest.raises(Exception) as django_error:
            slow.load(text)
        assert type(fast_error.value) is type(django_error.value)


def test_a_row_read_back_is_the_value_written(db):
    from egov.core.models import WorkerHeartbeat

    when = datetime.datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=datetime.UTC)
    WorkerHeartbeat.objects.create(name="t", seen_at=when, info={})
    assert WorkerHeartbeat.objects.get(name="t").seen_at == when


def test_the_common_form_does_not_reach_djangos_parser(db, monkeypatch):
    fast, django_loader = _loaders()

    def refuse(self, data):
        raise AssertionError(f"Django's parser used for {bytes(data)!r}")

    quick = fast(1184, connection.connection)
    expected = datetime.datetime(2026, 12, 1, 10, 13, 22, 169000, tzinfo=datetime.UTC)
    monkeypatch.setattr(django_loader, "load", refuse)
    assert quick.load(b"2026-12-01 10:13:22.169+00") == expected
    with pytest.raises(AssertionError):
        quick.load(b"2026-12-01 17:13:22.169+07")  # another offset: Django's
