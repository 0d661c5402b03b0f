"""Test helper: mark a test client's session as having passed the second factor."""

from django_otp import DEVICE_ID_SESSION_KEY


def verify_with_device(client, device) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
