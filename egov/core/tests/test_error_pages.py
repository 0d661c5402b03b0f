"""Error pages people can read: Vietnamese first with a way back (English when chosen),
the API's JSON error format under /api/, and the language switch naming each language
in itself."""

from __future__ import annotations

import unicodedata

import pytest
from django.test import Client, override_settings
from django.urls import path

from egov.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("api/v1/boom/", _boom), *project_urls]
handler500 = "egov.core.views.server_error"
handler404 = "egov.core.views.page_not_found"


def test_a_missing_page_is_a_vietnamese_page_with_a_way_home(client):
    response = client.get("/khong-co-trang-nay/", HTTP_REFERER="http://testserver/thu-tuc/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert 'href="/"' in page and "Về trang chủ" in page
    assert 'href="http://testserver/thu-tuc/"' in page  # back, on this site only
    assert "Not Found</h1>" not in page  # not Django's bare English page


def test_the_way_back_never_leads_off_the_site(client):
    page = client.get("/khong-co/", HTTP_REFERER="https://evil.example/phish").content.decode()
    assert "evil.example" not in page


def test_the_error_page_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/khong-co-trang-nay/").content.decode()
    assert "Page not found" in page and "Back to the home page" in page


def test_an_api_path_answers_the_json_error_format(client):
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_is_a_bilingual_page_and_json_under_the_api():
    client = Client(raise_request_exception=False)
    page = client.get("/boom/")
    assert page.status_code == 500
    text = page.content.decode()
    assert "Hệ thống đang gặp sự cố" in text and "System error" in text
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500
    assert api.json()["error"]["code"] == "server_error"


def test_a_page_refused_to_an_anonymous_visitor_offers_the_login(client):
    from django.core.exceptions import PermissionDenied

    from egov.core import views

    request = client.get("/").wsgi_request
    request.path = "/mot-cua/"
    response = views.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    page = response.content.decode()
    assert "Bạn không có quyền xem trang này" in page and "/accounts/login/" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_language_switch_names_each_language_in_itself(client, language):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get("/").content.decode()
    assert ">English</button>" in page and ">Tiếng Việt</button>" in page
    assert "Tiếng Anh" not in page
    assert unicodedata.is_normalized("NFC", page)
