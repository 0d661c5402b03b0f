"""A relay process for the concurrency test: delivers ``test.concurrent`` events with a
slow handler, so that two such processes compete for the same events."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
django.setup()

from egov.core import outbox  # noqa: E402
from egov.core.models import OutboxEvent  # noqa: E402


def slow_handler(event):
    time.sleep(0.01)


def main(name: str, seconds: float) -> None:
    outbox.register("test.concurrent", slow_handler, name="slow_handler")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        handled = outbox.relay_once(relay=name, limit=5)
        if not handled:
            if not OutboxEvent.objects.exclude(status=OutboxEvent.Status.DELIVERED).exists():
                return
            time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
