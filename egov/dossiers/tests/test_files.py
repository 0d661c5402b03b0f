"""Stored files (issue 11, findings 1, 2 and the uploads of 7): private, read only
through the access policy with an audit entry, stored under random names, typed by
their whole content, and limited in size before the body is read."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, ClientHandler, encode_multipart

from egov.core.errors import DomainError
from egov.core.models import AuditEntry
from egov.directory.roles import Role
from egov.directory.tests.factories import ApplicantFactory, OfficerFactory
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierComponent, ResultFile
from egov.dossiers.tests.factories import (
    APPLICANT,
    district_procedure,
    full_checklist,
    image_bytes,
    pdf_bytes,
    scan,
)

API = "/api/v1/dossiers/"
READ = "dossier.file.read"


@pytest.fixture
def version(db):
    return district_procedure()


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _online(people, places, version, upload=None):
    checklist = full_checklist(version)
    checklist[0].file = upload or scan("to-khai.pdf")
    return services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=APPLICANT,
        components=checklist,
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_scan_is_read_only_by_who_may_see_the_dossier_and_every_read_is_audited(
    people, places, version
):
    dossier = _online(people, places, version)
    line = DossierComponent.objects.exclude(file="").get(dossier=dossier)
    url = f"/tep/thanh-phan/{line.pk}/"
    another_citizen = ApplicantFactory(user__username="citizen2").user
    far_desk = OfficerFactory(
        user__username="far_desk", agency=places.other_province, roles=[Role.DESK_OFFICER]
    ).user
    denied = [another_citizen, people.other_officer, far_desk, people.commune_officer]
    assert Client().get(url).status_code == 404  # anonymous
    for user in denied:
        assert _login(user).get(url).status_code == 404, user
    assert not AuditEntry.objects.filter(action=READ).exists()
    # Nothing under /media/ is served, whoever asks.
    assert Client().get(f"/media/{line.file.name}").status_code == 404
    assert _login(people.desk_officer).get(f"/media/{line.file.name}").status_code == 404

    for user in (people.citizen, people.desk_officer):
        response = _login(user).get(url)
        assert response.status_code == 200
        assert _body(response) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="to-khai.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert "no-store" in response["Cache-Control"]
    reads = AuditEntry.objects.filter(action=READ).order_by("id")
    assert [e.actor_id for e in reads] == [people.citizen.pk, people.desk_officer.pk]
    assert reads[0].object_id == str(line.pk) and reads[0].changes["dossier"] == dossier.code


def test_a_result_file_goes_through_the_same_gate(people, places, version):
    dossier = _online(people, places, version)
    result = ResultFile.objects.create(
        dossier=dossier,
        name="Quyết định",
        file=SimpleUploadedFile("qd.png", image_bytes("PNG")),
        original_name="qd.png",
        content_type="image/png",
    )
    url = f"/tep/ket-qua/{result.pk}/"
    assert _login(people.other_officer).get(url).status_code == 404
    response = _login(people.citizen).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert AuditEntry.objects.filter(action=READ, object_id=str(result.pk)).count() == 1


def test_stored_names_are_random_and_the_type_comes_from_the_content(people, places, version):
    # A real PDF sent as "x.html" is stored and downloaded as a PDF, never as a page.
    dossier = _online(people, places, version, SimpleUploadedFile("x.html", pdf_bytes()))
    line = DossierComponent.objects.exclude(file="").get(dossier=dossier)
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", line.file.name)
    assert line.original_name == "x.html" and line.content_type == "application/pdf"
    response = _login(people.desk_officer).get(f"/tep/thanh-phan/{line.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="x.pdf"'
    # The API shows the client's name and the gate's link, not a storage path.
    data = _login(people.desk_officer).get(f"{API}{dossier.code}/").json()
    shown = next(c for c in data["components"] if c["id"] == line.pk)
    assert shown["file"] == f"/tep/thanh-phan/{line.pk}/" and shown["file_name"] == "x.html"


def test_a_file_of_unknown_type_downloads_as_bytes(people, places, version):
    # Files stored before the content check (migrated data) may have any type: never inline.
    dossier = _online(people, places, version)
    line = DossierComponent.objects.exclude(file="").get(dossier=dossier)
    DossierComponent.objects.filter(pk=line.pk).update(content_type="text/html")
    response = _login(people.desk_officer).get(f"/tep/thanh-phan/{line.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"


def test_client_names_are_cleaned():
    from egov.core.files import clean_name, download_name

    assert clean_name('..\\..\\C:/tmp/"a";b\r\n.pdf') == "ab.pdf"
    assert clean_name("Tờ khai.pdf") == "Tờ khai.pdf"
    assert download_name("", "image/jpeg") == "tep.jpg"


JPEG = image_bytes("JPEG")
POLYGLOTS = {
    # Each starts with the magic bytes that the first-bytes check trusted.
    "x.js": b"\xff\xd8\xff\xe0" + b"fetch('/api/v1/dossiers/').then(r=>r.text())",
    "x.html": b"%PDF-1.4\n<html><script src='x.js'></script></html>\n%%EOF",
    "x.svg": b"\x89PNG\r\n\x1a\n"
    + b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
    "truncated.pdf": pdf_bytes()[:300],
    "photo.jpg": JPEG + b"<html><script>alert(1)</script></html>",
    "trailing.jpg": JPEG + b"alert(document.cookie)//",
    "noext": b"%PDF-1.7\nfetch('/api/v1/dossiers/')",
    "x.xhtml": b"\xff\xd8\xff" + b'<html xmlns="http://www.w3.org/1999/xhtml"><script/></html>',
}


@pytest.mark.parametrize("name", POLYGLOTS)
def test_uploads_that_could_run_are_refused_with_a_stable_code(name, people, version):
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    line = dossier.components.order_by("pk").first()
    response = _login(people.desk_officer).post(
        f"{API}{dossier.code}/actions/attach-file",
        {
            "data": json.dumps({"component": line.pk, "version": dossier.version}),
            "file": SimpleUploadedFile(name, POLYGLOTS[name], "image/jpeg"),
        },
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_type_not_accepted" and error["field"] == "file"
    line.refresh_from_db()
    assert not line.file and Dossier.objects.get(pk=dossier.pk).version == dossier.version


def test_a_json_body_over_the_limit_is_a_json_413(people):
    client = _login(people.desk_officer)
    body = json.dumps({"procedure": "x", "summary": "a" * 3_000_000})
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


class CountingStream(io.BytesIO):
    """The request body, counting what the server read of it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        data = super().read(size)
        self.taken += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.taken += len(data)
        return data


def _wsgi_post(path: str, body: bytes, cookies: dict[str, str], **extra):
    stream = CountingStream(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "wsgi.input": stream,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    # Django's test handler (keeps the test database open), CSRF checked as for real.
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    return response.status_code, response.content, stream.taken


@pytest.mark.parametrize("where", ["api", "page"])
def test_a_file_part_over_the_limit_is_refused_without_reading_the_body(
    where, people, version, settings
):
    settings.EGOV_UPLOAD_MAX_FILE_BYTES = 100_000
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    line = dossier.components.order_by("pk").first()
    client = _login(people.desk_officer)
    client.get("/")  # the CSRF cookie (the server checks CSRF here: a real request)
    token = client.cookies["csrftoken"].value
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 5_000_000)
    if where == "api":
        path = f"{API}{dossier.code}/actions/attach-file"
        fields = {"data": json.dumps({"component": line.pk, "version": 1}), "file": big}
    else:
        path = f"/mot-cua/ho-so/{dossier.code}/thao-tac/attach_file/"
        fields = {"csrfmiddlewaretoken": token, "version": 1, "component": line.pk, "file": big}
    body = encode_multipart(BOUNDARY, fields)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    status, content, taken = _wsgi_post(path, body, cookies, HTTP_X_CSRFTOKEN=token)
    assert status == 413
    assert taken < 500_000 < len(body)  # stopped soon after the limit, not read whole
    if where == "api":
        error = json.loads(content)["error"]
        assert error["code"] == "file_too_large" and error["field"] == "file"
    else:
        page = content.decode()
        assert "Tệp quá lớn" in page and "File too large" in page
    line.refresh_from_db()
    assert not line.file


def test_a_body_longer_than_the_request_limit_is_refused_unread(settings, people):
    settings.EGOV_UPLOAD_MAX_REQUEST_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("a.pdf", b"0" * 5000)})
    status, content, taken = _wsgi_post(f"{API}", body, {})
    assert status == 413 and taken == 0
    assert json.loads(content)["error"]["code"] == "request_too_large"


def test_the_files_of_one_dossier_are_limited_in_total(people, version, settings):
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    first, second = dossier.components.order_by("pk")[:2]
    settings.EGOV_DOSSIER_MAX_FILE_BYTES = len(pdf_bytes()) * 3 // 2
    client = _login(people.desk_officer)

    def attach(line):
        version_now = Dossier.objects.get(pk=dossier.pk).version
        return client.post(
            f"{API}{dossier.code}/actions/attach-file",
            {
                "data": json.dumps({"component": line.pk, "version": version_now}),
                "file": scan("a.pdf"),
            },
        )

    assert attach(first).status_code == 200
    assert attach(first).status_code == 200  # replacing a scan does not count it twice
    refused = attach(second)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "dossier_files_too_large"
    second.refresh_from_db()
    assert not second.file


def test_the_upload_forms_show_the_limits_before_upload(people, version):
    client = _login(people.desk_officer)
    dossier = services.receive(
        actor=people.desk_officer,
        procedure_code=version.code,
        channel="counter",
        applicant=APPLICANT,
        components=full_checklist(version),
    )
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "upload-limits" in page and "PDF, PNG hoặc JPEG" in page
    assert "tối đa 20 MB mỗi tệp, 200 MB cho cả hồ sơ" in page
    checklist = client.get("/mot-cua/tiep-nhan/thanh-phan/", {"procedure": version.code})
    assert "upload-limits" in checklist.content.decode()


def test_a_desk_officer_opens_attachments_and_none_runs_as_a_page(
    committed_db, live_server, people, places, version
):
    """In a real browser: the links on the dossier page go through the gate; a PDF opens
    in the browser's PDF viewer (a PDF document, not a page of our origin), and a file
    of any other type (here an HTML page stored before the content check, as migrated
    data may hold) arrives as a download, never rendered."""
    from django.core.files.base import ContentFile
    from playwright.sync_api import sync_playwright

    from egov.core.tests.test_browser import ARGS, CHROMIUM

    dossier = _online(people, places, version, SimpleUploadedFile("x.html", pdf_bytes()))
    legacy = dossier.components.filter(file="").order_by("pk").first()
    legacy.file.save("legacy.html", ContentFile(b"<script>document.title='ran'</script>"))
    DossierComponent.objects.filter(pk=legacy.pk).update(
        content_type="text/html", original_name="legacy.html", provided=True
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "desk")
            page.fill("#id_password", "mat-khau-thu-nghiem")
            page.press("#id_password", "Enter")
            page.wait_for_url(f"{live_server.url}/mot-cua/")  # the desk lands on its workspace
            page.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
            with context.expect_page() as opened:
                page.get_by_role("link", name="x.html").click()
            viewer = opened.value
            viewer.wait_for_load_state()
            assert viewer.evaluate("document.contentType") == "application/pdf"
            downloads = []
            context.on("page", lambda p: p.on("download", lambda d: downloads.append(d)))
            page.on("download", lambda d: downloads.append(d))
            page.get_by_role("link", name="legacy.html").click()
            for _ in range(40):
                if downloads:
                    break
                page.wait_for_timeout(250)
            assert downloads, "the HTML file was not downloaded"
            download = downloads[0]
            assert download.suggested_filename == "legacy.bin"
            assert open(download.path(), "rb").read().startswith(b"<script>")
            assert all(p.title() != "ran" for p in context.pages)
        finally:
            browser.close()
    reads = AuditEntry.objects.filter(action=READ, actor=people.desk_officer)
    assert {e.object_id for e in reads} == {
        str(legacy.pk),
        str(dossier.components.exclude(pk=legacy.pk).exclude(file="").get().pk),
    }


def test_the_migration_moves_files_stored_under_client_names(people, places, version):
    """Files stored before (public, under the client's name) get a random name and keep
    the client's name as metadata; nothing is lost, a missing file is only recorded."""
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    migration = importlib.import_module("egov.dossiers.migrations.0006_sec_files_private_names")
    dossier = _online(people, places, version)
    line = DossierComponent.objects.exclude(file="").get(dossier=dossier)
    old = default_storage.save("dossiers/2026/12/Giấy tờ scan.pdf", ContentFile(pdf_bytes()))
    DossierComponent.objects.filter(pk=line.pk).update(file=old, original_name="")
    gone = ResultFile.objects.create(
        dossier=dossier, name="QĐ", file="results/2026/11/qd.pdf", content_type="application/pdf"
    )
    migration.rename_files(apps, None)
    line.refresh_from_db()
    assert re.fullmatch(r"dossiers/2026/12/[0-9a-f]{32}\.pdf", line.file.name)
    assert line.original_name == "Giấy tờ scan.pdf"
    assert not default_storage.exists(old)
    assert default_storage.open(line.file.name).read() == pdf_bytes()
    gone.refresh_from_db()
    assert gone.file.name == "results/2026/11/qd.pdf" and gone.original_name == "qd.pdf"


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_in_production_the_web_server_sends_the_bytes(mode, people, places, version, settings):
    settings.EGOV_FILE_DELIVERY = mode
    dossier = _online(people, places, version)
    line = DossierComponent.objects.exclude(file="").get(dossier=dossier)
    url = f"/tep/thanh-phan/{line.pk}/"
    assert _login(people.other_officer).get(url).status_code == 404
    response = _login(people.desk_officer).get(url)
    assert response.status_code == 200 and response.content == b""
    if mode == "x-accel-redirect":
        assert response["X-Accel-Redirect"] == f"/protected-files/{line.file.name}"
    else:
        assert response["X-Sendfile"] == line.file.path
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="to-khai.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert AuditEntry.objects.filter(action=READ).count() == 1


def test_a_new_dossier_over_the_total_is_not_created(people, version, settings):
    settings.EGOV_DOSSIER_MAX_FILE_BYTES = len(pdf_bytes()) * 3 // 2
    checklist = full_checklist(version)
    checklist[0].file, checklist[1].file = scan("a.pdf"), scan("b.pdf")
    with pytest.raises(DomainError) as caught:
        services.receive(
            actor=people.desk_officer,
            procedure_code=version.code,
            channel="counter",
            applicant=APPLICANT,
            components=checklist,
        )
    assert caught.value.code == "dossier_files_too_large" and caught.value.status == 413
    assert not Dossier.objects.exists()


def test_an_image_that_would_take_gigabytes_to_decode_is_refused_before_decoding():
    from PIL import Image

    from egov.dossiers import rules

    buffer = io.BytesIO()
    Image.new("1", (10_000, 9_000)).save(buffer, "PNG")  # 11 kB, 90 million pixels
    with pytest.raises(DomainError) as caught:
        rules.check_upload(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert caught.value.code == "file_type_not_accepted"
    assert caught.value.details == {"reason": "image_too_large"}
