"""The applicant downloads the signed electronic result from the portal's dossier page
(issue 14 point 6): the very file registered with its hash, next to a link to the
public verification page; nobody else gets it."""

from __future__ import annotations

import hashlib
import json

from django.test import Client
from django.urls import reverse

from egov.directory.tests.factories import ApplicantFactory
from egov.dossiers.models import Dossier
from egov.signing import devpki, queries


def test_the_applicant_downloads_the_signed_result(people, signing_setup, to_leader):
    dossier = to_leader()
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=people.citizen)
    leader = Client()
    leader.force_login(people.agency_leader)
    response = leader.post(
        f"/api/v1/dossiers/{dossier.code}/actions/record-result",
        json.dumps({"passphrase": devpki.DEV_PASSPHRASE}),
        content_type="application/json",
        headers={"If-Match": f'"{dossier.version}"'},
    )
    assert response.status_code == 200, response.json()
    signed = queries.signed_result(dossier)

    citizen = Client()
    citizen.force_login(people.citizen)
    page = citizen.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    link = reverse("dossiers:result_file", args=[signed.result_file_id])
    assert f'href="{link}" id="signed-result"' in page
    assert reverse("signing:verify_page") in page
    body = b"".join(citizen.get(link).streaming_content)
    assert hashlib.sha256(body).hexdigest() == signed.sha256

    stranger = Client()
    stranger.force_login(ApplicantFactory().user)
    assert stranger.get(link).status_code == 404
