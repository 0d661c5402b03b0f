"""English complete on the officer's dossier page: status, channel and the events of
the history in English when English is chosen, in Vietnamese otherwise."""

from __future__ import annotations

import re

import pytest

from egov.dossiers.tests.factories import district_procedure
from egov.dossiers.tests.test_workspace import receive

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(
    "language,expected,absent",
    [
        (
            "en",
            ["Received (code 2)", "At the counter", "Dossier received (complete): Received"],
            ["Đã tiếp nhận", "Trực tiếp"],
        ),
        (
            "vi",
            ["Đã tiếp nhận (mã 2)", "Trực tiếp", "Tiếp nhận hồ sơ (đủ): Đã tiếp nhận"],
            ["(received)", "At the counter"],
        ),
    ],
)
def test_the_dossier_page_speaks_the_chosen_language(client, people, language, expected, absent):
    dossier = receive(people, district_procedure())
    client.force_login(people.desk_officer)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    text = _text(client.get(f"/mot-cua/ho-so/{dossier.code}/"))
    for phrase in expected:
        assert phrase in text
    for phrase in absent:
        assert phrase not in text
