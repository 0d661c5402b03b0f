"""Receivers of the core app: login events go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from egov.core import audit


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit.record(actor=user, action="auth.login", obj=user)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action="auth.logout", obj=user)
