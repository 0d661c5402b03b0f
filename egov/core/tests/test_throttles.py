"""Issue 11, finding 6: the look-up limit holds on a real server with several worker
processes (counters in the shared cache: the database by default, Redis when
configured) and a client that rotates X-Forwarded-For."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.conf import settings as django_settings

from egov.core.tests.servers import fresh_window, gunicorn, redis_available, redis_server
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, district_procedure, full_checklist

DOCUMENTED_LIMIT = 60  # docs/operations.md, EGOV_RATE_PUBLIC_LOOKUP


def _dossier(people, places):
    # The database cache's table is not emptied between tests (it is no model's table):
    # start from no counter.
    from django.core.cache import cache

    cache.clear()
    version = district_procedure()
    return services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=full_checklist(version),
    )


def _fire(base: str, code: str, count: int) -> list[int]:
    statuses = []
    for i in range(count):
        request = urllib.request.Request(
            f"{base}/api/v1/public/dossiers/{code}",
            headers={"X-Forwarded-For": f"198.51.100.{i % 250}", "Connection": "close"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def _workers_that_answered(log) -> int:
    return len({line.split()[0] for line in log.read_text().splitlines() if "/public/" in line})


def test_the_documented_limit_holds_across_three_workers(committed_db, people, places, tmp_path):
    assert django_settings.EGOV_RATE_PUBLIC_LOOKUP == f"{DOCUMENTED_LIMIT}/min"
    code = _dossier(people, places).code
    with gunicorn(tmp_path, workers=3) as (base, log):
        fresh_window()
        statuses = _fire(base, code, DOCUMENTED_LIMIT + 30)
    assert Counter(statuses) == {200: DOCUMENTED_LIMIT, 429: 30}
    assert statuses[:DOCUMENTED_LIMIT] == [200] * DOCUMENTED_LIMIT
    assert _workers_that_answered(log) >= 2, "the requests were spread over the workers"


@pytest.mark.skipif(not redis_available(), reason="redis-server is not installed")
def test_the_limit_holds_across_workers_with_redis(committed_db, people, places, tmp_path):
    """Six clients at once on three workers sharing a real Redis server."""
    from concurrent.futures import ThreadPoolExecutor

    import redis

    code = _dossier(people, places).code
    with redis_server(tmp_path) as url:
        with gunicorn(
            tmp_path, workers=3, EGOV_REDIS_URL=url, EGOV_RATE_PUBLIC_LOOKUP="10/min"
        ) as (base, log):
            fresh_window()
            with ThreadPoolExecutor(6) as pool:
                parts = pool.map(lambda _: _fire(base, code, 5), range(6))
                statuses = [status for part in parts for status in part]
        keys = redis.Redis.from_url(url).keys("egov:*")
    # 10/min set for this server only: the counters are Redis's, not the database's.
    assert Counter(statuses) == {200: 10, 429: 20}
    assert keys and all(b"throttle_public_lookup" in key for key in keys)
    assert _workers_that_answered(log) >= 2


@pytest.fixture
def _fresh_cache(db):
    from django.core.cache import cache

    cache.clear()
    fresh_window(needed=3)
    yield
    cache.clear()


def test_the_api_limit_per_account_holds_whatever_the_address(
    client, people, settings, _fresh_cache
):
    settings.EGOV_API_RATE_USER = "3/min"
    client.force_login(people.desk_officer)
    codes = [
        client.get("/api/v1/dossiers/", REMOTE_ADDR=f"192.0.2.{i}").status_code for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    # Another account has its own count.
    client.force_login(people.specialist)
    assert client.get("/api/v1/dossiers/").status_code == 200


def test_the_api_limit_per_address_for_anonymous_callers(client, db, settings, _fresh_cache):
    settings.EGOV_API_RATE_ANON = "2/min"
    codes = [
        client.get("/api/v1/ping", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(3)
    ]
    assert codes[:2] == [200, 200] and codes[2] == 429
    assert client.get("/api/v1/ping", REMOTE_ADDR="192.0.2.99").status_code == 200


def test_the_api_limits_are_off_unless_configured(client, people, settings, _fresh_cache):
    assert settings.EGOV_API_RATE_USER == "" and settings.EGOV_API_RATE_ANON == ""
    client.force_login(people.desk_officer)
    assert all(client.get("/api/v1/dossiers/").status_code == 200 for _ in range(5))


def test_the_limit_holds_for_simultaneous_requests(committed_db, people, places, tmp_path):
    """Six clients at once on three workers: no counted request is lost to a race."""
    from concurrent.futures import ThreadPoolExecutor

    code = _dossier(people, places).code
    with gunicorn(tmp_path, workers=3, EGOV_RATE_PUBLIC_LOOKUP="30/min") as (base, log):
        fresh_window()
        with ThreadPoolExecutor(6) as pool:
            statuses = [
                s for part in pool.map(lambda _: _fire(base, code, 15), range(6)) for s in part
            ]
    assert Counter(statuses) == {200: 30, 429: 60}
