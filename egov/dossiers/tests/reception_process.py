"""A reception process for the concurrency test: receives ``count`` dossiers at the
desk officer's agency, as fast as it can, next to other such processes."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
django.setup()

from egov.catalog.queries import version_in_force  # noqa: E402
from egov.directory.models import User  # noqa: E402
from egov.dossiers import services  # noqa: E402
from egov.dossiers.tests.factories import APPLICANT, full_checklist  # noqa: E402


def main(username: str, procedure: str, count: int) -> None:
    desk = User.objects.get(username=username)
    version = version_in_force(procedure)
    for _ in range(count):
        services.receive(
            actor=desk,
            procedure_code=procedure,
            channel="counter",
            applicant=APPLICANT,
            components=full_checklist(version),
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
