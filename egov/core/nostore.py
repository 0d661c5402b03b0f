"""``Cache-Control: private, no-store`` on every response to a logged-in user (pages,
API, PDFs): what an officer or a citizen saw must not stay in a shared or a browser
cache after they leave the computer (OWASP ASVS v4 8.2.1). Anonymous responses are
untouched, so public pages keep their own caching (ETag, 304), and so are the static
assets (the same for everybody) whoever asks."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control


class NoStoreForAuthenticatedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
        ):
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response
