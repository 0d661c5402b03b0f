"""Files in S3-compatible object storage (``EGOV_FILE_DELIVERY=signed-url``), against a
real S3 server: moto's server mode over HTTP on loopback. The gate checks access and
audits as with local files, then redirects to a signed URL that expires."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

from egov.core.models import AuditEntry
from egov.dossiers import services
from egov.dossiers.models import DossierComponent
from egov.dossiers.tests.factories import (
    APPLICANT,
    district_procedure,
    full_checklist,
    pdf_bytes,
    scan,
)

BUCKET = "egov-test-files"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3(settings):
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "egov-test", "aws_secret_access_key": "egov-test-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
    client.create_bucket(Bucket=BUCKET)
    settings.EGOV_FILE_DELIVERY = "signed-url"
    settings.EGOV_FILE_URL_SECONDS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": keys["aws_access_key_id"],
                "secret_key": keys["aws_secret_access_key"],
                "querystring_auth": True,
                "querystring_expire": 2,
                "file_overwrite": False,
                "default_acl": "private",
                "signature_version": "s3v4",
                "addressing_style": "path",
            },
        },
    }
    try:
        yield client
    finally:
        server.stop()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_scan_in_object_storage_is_reached_only_through_a_short_lived_signed_url(
    s3, client, people, places
):
    version = district_procedure()
    checklist = full_checklist(version)
    checklist[0].file = scan("to-khai.pdf")
    dossier = services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=checklist,
    )
    line = DossierComponent.objects.exclude(file="").get(dossier=dossier)
    stored = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [o["Key"] for o in stored] == [line.file.name]  # in the bucket, random name
    endpoint = s3.meta.endpoint_url
    # The bucket itself answers nobody without a signature.
    status, _, _ = _get(f"{endpoint}/{BUCKET}/{line.file.name}")
    assert status == 403

    url = f"/tep/thanh-phan/{line.pk}/"
    client.force_login(people.other_officer)
    assert client.get(url).status_code == 404
    client.force_login(people.desk_officer)
    response = client.get(url)
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(f"{endpoint}/{BUCKET}/") and "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=2" in signed
    assert AuditEntry.objects.filter(action="dossier.file.read").count() == 1

    status, headers, body = _get(signed)
    assert status == 200 and body == pdf_bytes()
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'inline; filename="to-khai.pdf"'
    # moto's server does not verify signatures nor their expiry (a real S3 server
    # does): what the platform controls is checked above, a private object reached
    # only by a URL signed for EGOV_FILE_URL_SECONDS with the type and name fixed.
