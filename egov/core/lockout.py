"""Login lockout (django-axes) with two budgets: failures per user name, from any
address (``AXES_FAILURE_LIMIT``: guessing one account's password), and failures per
address, for any user names (``EGOV_LOGIN_ADDRESS_FAILURE_LIMIT``, higher: one
address trying a few passwords on many accounts, "password spraying"). OWASP ASVS
v4 2.2.1. ``AXES_LOCKOUT_PARAMETERS`` lists the two, in that order."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Axes compares one number with ``AXES_FAILURE_LIMIT``: the failures of the
        user name, or those of the address scaled so that they reach that limit
        exactly when they reach the address's own limit, whichever is larger."""
        attempts = self.get_user_attempts(request, credentials)
        if len(attempts) != 2:  # AXES_LOCKOUT_PARAMETERS changed: axes's own rule
            return super().get_failures(request, credentials)
        by_name, by_address = attempts
        name_limit = settings.AXES_FAILURE_LIMIT
        address_limit = max(settings.EGOV_LOGIN_ADDRESS_FAILURE_LIMIT, 1)
        return max(_failures(by_name), _failures(by_address) * name_limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login forgives the failures of that user name only: an
        attacker who also owns an account must not wipe the address's count by
        logging into it."""
        attempts = self.filter_user_attempts(request, credentials)
        if len(attempts) != 2:
            return super().reset_user_attempts(request, credentials)
        count, _ = attempts[0].delete()
        return count
