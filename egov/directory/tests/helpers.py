"""Test helpers for the directory."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_verified(client, user) -> TOTPDevice:
    """Log ``user`` in with a verified second factor, as ``django_otp.login`` would
    after a correct code: the session holds the confirmed device's persistent id, so
    RequireSecondFactorMiddleware lets administrators through."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
