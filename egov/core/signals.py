"""Receivers of the core app: login events go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from egov.core import audit

SECOND_FACTOR_SESSION_KEY = "egov_second_factor_required"


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", obj=user)
    if request is not None and hasattr(request, "session"):
        # Decided once per login: administrators always; other officers once they have
        # enrolled an authenticator.
        from django_otp import user_has_device

        request.session[SECOND_FACTOR_SESSION_KEY] = bool(
            user.requires_second_factor or user_has_device(user, confirmed=True)
        )


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", obj=user)
