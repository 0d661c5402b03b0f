import json
import logging
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from egov.core.logging import JsonFormatter
from egov.core.models import WorkerHeartbeat
from egov.core.outbox import beat


def test_healthz_fails_without_a_live_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


def test_healthz_passes_with_a_recent_heartbeat(client, db):
    beat("relay", relay="test")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["alive"] == ["relay"]


def test_a_stale_heartbeat_does_not_count(client, db):
    WorkerHeartbeat.objects.create(name="relay", seen_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/healthz").status_code == 503


def test_the_relay_command_beats_and_delivers(db):
    out = StringIO()
    call_command("relay_outbox", "--once", stdout=out)
    assert "0 event(s) handled" in out.getvalue()
    assert WorkerHeartbeat.objects.filter(name="relay").exists()


def test_logs_are_json_lines_with_extra_fields():
    record = logging.LogRecord(
        "egov.test", logging.INFO, __file__, 1, "hello %s", ("Hà Nội",), None
    )
    record.dossier = "000.00.12.H06-201105-0004"
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "hello Hà Nội"
    assert line["dossier"] == "000.00.12.H06-201105-0004"
    assert line["level"] == "INFO"


def test_the_committed_openapi_schema_is_up_to_date(db):
    """Fails when the API changed without `make openapi` (docs/api/openapi.yaml)."""
    out = StringIO()
    call_command("spectacular", "--validate", stdout=out)
    committed = (Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml").read_text()
    assert out.getvalue() == committed, "API changed: run `make openapi` and commit the file"


def test_the_api_docs_page_is_served_locally(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200


def test_every_environment_variable_is_documented():
    import re

    source = (Path(settings.BASE_DIR) / "egov" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', source)) | {"DATABASE_URL"}
    documented = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    assert sorted(n for n in names if f"`{n}`" not in documented) == []


def test_the_network_is_closed_except_loopback():
    import socket

    from pytest_socket import SocketConnectBlockedError

    # Refused by the test guard before any packet is sent (TEST-NET-3 address).
    with socket.socket() as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(("203.0.113.7", 80))


def test_database_url_prepares_busy_statements_unless_told_not_to():
    from egov.env import database_from_url

    default = database_from_url("postgres://u:p@db:5432/egov")
    assert default["OPTIONS"]["prepare_threshold"] == 5
    assert default["OPTIONS"]["server_side_binding"] is True  # prepared needs server-side
    off = database_from_url("postgres://u:p@db:5432/egov?prepare_threshold=off")
    assert off["OPTIONS"]["prepare_threshold"] is None  # a pooler that cannot keep them


def test_database_url_chooses_persistent_connections_or_djangos_pool():
    """Django refuses a pool with persistent connections: one or the other."""
    from egov.env import database_from_url

    default = database_from_url("postgres://u:p@db:5432/egov")
    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "pool" not in default["OPTIONS"]
    pooled = database_from_url("postgres://u:p@db:5432/egov?pool_max=8")
    assert pooled["CONN_MAX_AGE"] == 0 and pooled["OPTIONS"]["pool"]["max_size"] == 8
    assert "pool_max" not in pooled["OPTIONS"]
    assert database_from_url("postgres://u:p@db/egov?pool=true")["OPTIONS"]["pool"]


def test_the_catalogue_cache_is_djangos_cache_framework(settings):
    from django.core.cache import caches

    from egov.catalog import cache

    assert settings.CACHES[cache.CACHE]["BACKEND"].startswith("django.core.cache.backends.")
    caches[cache.CACHE].set("probe", 1, version=cache.KEY_VERSION)
    assert caches[cache.CACHE].get("probe", version=cache.KEY_VERSION + 1) is None


def test_web_statements_start_no_parallel_workers_unless_told(db):
    from django.db import connection

    from egov.env import database_from_url

    default = database_from_url("postgres://u:p@db:5432/egov")
    assert default["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=0 -c jit=off"
    given = database_from_url("postgres://u:p@db/egov?options=-c%20work_mem%3D64MB")
    assert given["OPTIONS"]["options"] == (
        "-c max_parallel_workers_per_gather=0 -c jit=off -c work_mem=64MB"
    )
    if connection.vendor == "postgresql":  # the running server took it
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone() == ("0",)
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
