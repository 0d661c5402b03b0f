"""The WSGI application (gunicorn: ``egov.wsgi:application``).

Once the project is loaded (apps, models, URL configuration), everything it allocated
lives as long as the process. ``gc.freeze()`` moves those objects out of the garbage
collector's generations, so that a full collection no longer walks them: on a web
worker one took 70 ms every few hundred requests, a pause that landed in some
request's latency (docs/performance-notes.md, fifth round).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
application = get_wsgi_application()


def _load_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now)
    gc.collect()
    gc.freeze()


_load_and_freeze()
