"""Idle timeout: a session not used for ``EGOV_IDLE_TIMEOUT_MINUTES`` is logged out
(OWASP ASVS v4 3.3.2; a counter computer left open must not stay logged in). The time
of the last use is kept in the session, written at most once a minute so that a
busy session is not saved on every request. Only the public session API is used, so
this works with any session engine."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

LAST_ACTIVITY = "egov_last_activity"
# Seconds between two writes of the last-activity time.
RESOLUTION = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.EGOV_IDLE_TIMEOUT_MINUTES * 60
        if timeout > 0 and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            if isinstance(last, int) and now - last > timeout:
                # The request goes on as an anonymous one: pages send to the login,
                # the API answers 401/403 as for anybody not logged in.
                logout(request)
                request.idle_logged_out = True
            elif not isinstance(last, int) or now - last >= RESOLUTION:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)
