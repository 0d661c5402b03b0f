"""Delivery guarantees: a failing SMTP server or SMS gateway is retried by the outbox
until the message goes; a replayed event sends nothing new; a crash between the send
and its record sends the SMS once (the gateway drops the known reference) and the
e-mail again with the same Message-ID (SMTP cannot do better); no address, no
message."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.utils import timezone

from egov.core import outbox
from egov.core.models import OutboxAttempt, OutboxEvent
from egov.dossiers import services
from egov.dossiers.tests.factories import APPLICANT, full_checklist
from egov.notifications.handlers import notify_applicant
from egov.notifications.models import Channel, Notification
from egov.notifications.tests.helpers import (
    CONTACT,
    MONDAY,
    receive,
    relay,
    relay_round,
)

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def _event(topic="dossier.receive_complete") -> OutboxEvent:
    return OutboxEvent.objects.get(topic=topic)


def _as_if_the_relay_died_before_recording(event: OutboxEvent) -> None:
    """What the database holds when the relay process died after the handler ran but
    before it recorded the handler's success: the event is due again."""
    OutboxAttempt.objects.filter(event=event).delete()
    OutboxEvent.objects.filter(pk=event.pk).update(
        status=OutboxEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def test_an_sms_gateway_5xx_is_retried_then_delivered(notify, people, version):
    smtp, sms = notify
    sms.fail_next(2, status=503)
    receive(people, version)
    relay_round()
    assert sms.refused == 1 and sms.messages == []
    assert len(smtp.wait_for(1)) == 1  # the e-mail went; only the SMS waits
    record = Notification.objects.get(channel=Channel.SMS)
    assert record.state == Notification.State.FAILED and "503" in record.last_error
    event = _event()
    assert event.status == OutboxEvent.Status.PENDING and event.attempts == 1
    assert "503" in event.last_error

    relay_round()  # still failing
    assert sms.refused == 2 and sms.messages == []
    relay_round()  # the gateway is back
    assert len(sms.wait_for(1)) == 1
    record.refresh_from_db()
    assert record.state == Notification.State.SENT and record.attempts == 3
    assert len(smtp.messages) == 1  # the e-mail was not sent again
    assert _event().status == OutboxEvent.Status.DELIVERED


def test_smtp_down_is_retried_then_delivered(notify, people, version, settings):
    smtp, sms = notify
    up = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    receive(people, version)
    relay_round()
    assert smtp.messages == [] and len(sms.wait_for(1)) == 1
    record = Notification.objects.get(channel=Channel.EMAIL)
    assert record.state == Notification.State.FAILED
    assert "ConnectionRefused" in record.last_error
    assert _event().status == OutboxEvent.Status.PENDING

    settings.EMAIL_PORT = up
    relay_round()
    [mail] = smtp.wait_for(1)
    assert mail["Message-ID"] == record.reference
    record.refresh_from_db()
    assert record.state == Notification.State.SENT and record.attempts == 2
    assert len(sms.messages) == 1  # the SMS was not sent again
    assert _event().status == OutboxEvent.Status.DELIVERED


def test_a_failed_message_still_goes_after_the_address_was_removed(notify, people, version):
    smtp, sms = notify
    sms.fail_next(1)
    dossier = receive(people, version)
    relay_round()
    type(dossier).objects.filter(pk=dossier.pk).update(applicant_phone="", applicant_email="")
    relay_round()
    assert [m["to"] for m in sms.wait_for(1)] == ["0912345678"]  # to whom it was due
    assert len(smtp.messages) == 1
    assert _event().status == OutboxEvent.Status.DELIVERED


def test_a_dead_event_is_not_lost_an_administrator_re_drives_it(notify, people, version, settings):
    smtp, sms = notify
    settings.OUTBOX_MAX_ATTEMPTS = 2
    sms.fail_next(5)
    receive(people, version)
    relay()
    event = _event()
    assert event.status == OutboxEvent.Status.DEAD and sms.messages == []
    assert Notification.objects.get(channel=Channel.SMS).state == Notification.State.FAILED

    sms.recover()
    outbox.redrive_event(actor=people.province_admin, event=event)
    relay()
    assert len(sms.wait_for(1)) == 1 and len(smtp.messages) == 1
    assert _event().status == OutboxEvent.Status.DELIVERED


def test_a_replayed_event_sends_nothing_new(notify, people, version):
    smtp, sms = notify
    dossier = receive(people, version)
    relay()
    assert len(smtp.wait_for(1)) == 1 and len(sms.wait_for(1)) == 1
    event = _event()
    # The applicant's address changed meanwhile: still nothing new, to nobody.
    type(dossier).objects.filter(pk=dossier.pk).update(
        applicant_email="moi@example.vn", applicant_phone="0987654321"
    )
    _as_if_the_relay_died_before_recording(event)
    relay()
    notify_applicant(_event())  # and the handler called once more by hand
    assert len(smtp.messages) == 1 and len(sms.messages) == 1
    assert sms.duplicates == 0  # not even offered to the gateway again
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_crash_between_the_send_and_its_record(notify, people, version, settings):
    """The record says "sending" (the process died after handing the message over):
    the retry sends again with the same reference. The SMS gateway recognises it;
    SMTP delivers a second copy with the same Message-ID (at least once)."""
    smtp, sms = notify
    receive(people, version)
    relay()
    event = _event()
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    Notification.objects.update(state=Notification.State.SENDING, sent_at=None, tried_at=long_ago)
    _as_if_the_relay_died_before_recording(event)
    relay()

    assert len(sms.messages) == 1 and sms.duplicates == 1
    mails = smtp.wait_for(2)
    assert len(mails) == 2 and mails[0]["Message-ID"] == mails[1]["Message-ID"]
    assert mails[0]["Message-ID"] == f"<notification.{event.pk}.email@egov.localhost>"
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_an_attempt_under_way_elsewhere_is_not_repeated(notify, people, version, settings):
    """Another relay took the event after this one's lease ran out, while this one was
    still sending: the record says "sending" since less than a lease ago, so the
    second relay sends nothing and retries later."""
    smtp, sms = notify
    receive(people, version)
    relay()
    event = _event()
    Notification.objects.update(state=Notification.State.SENDING, tried_at=timezone.now())
    _as_if_the_relay_died_before_recording(event)
    relay_round()
    assert len(smtp.messages) == 1 and len(sms.messages) == 1 and sms.duplicates == 0
    event = _event()
    assert event.status == OutboxEvent.Status.PENDING and "under way" in event.last_error
    # Once the lease has passed, the attempt counts as dead and is made again.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    Notification.objects.update(tried_at=long_ago)
    relay_round()
    assert sms.duplicates == 1 and len(smtp.wait_for(2)) == 2
    assert _event().status == OutboxEvent.Status.DELIVERED


def test_the_unique_constraint_keeps_one_record_per_event_channel_and_recipient(
    notify, people, version
):
    from django.db import IntegrityError, transaction

    receive(people, version)
    relay()
    first = Notification.objects.get(channel=Channel.SMS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            event=first.event,
            dossier=first.dossier,
            kind=first.kind,
            channel=first.channel,
            recipient=first.recipient,
            body="again",
            reference=first.reference,
        )


def test_no_contact_means_nothing_is_sent(notify, people, version):
    smtp, sms = notify
    nobody = {k: v for k, v in APPLICANT.items() if k not in ("phone", "email")}
    receive(people, version, applicant=nobody)
    relay()
    assert smtp.messages == [] and sms.messages == []
    assert not Notification.objects.exists()
    assert _event().status == OutboxEvent.Status.DELIVERED


def test_the_account_s_address_is_used_when_the_dossier_has_none(notify, people, places, version):
    smtp, sms = notify
    people.citizen.email, people.citizen.phone = "lan.tk@example.vn", "+84 912 000 111"
    people.citizen.save(update_fields=["email", "phone"])
    nobody = {k: v for k, v in APPLICANT.items() if k not in ("phone", "email")}
    services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=nobody,
        components=full_checklist(version),
        now=MONDAY,
    )
    relay()
    assert smtp.wait_for(1)[0]["To"] == "lan.tk@example.vn"
    assert sms.wait_for(1)[0]["to"] == "0912000111"


def test_the_dossier_s_address_wins_over_the_account_s(notify, people, places, version):
    smtp, sms = notify
    people.citizen.email, people.citizen.phone = "lan.tk@example.vn", "0912000111"
    people.citizen.save(update_fields=["email", "phone"])
    services.submit_online(
        actor=people.citizen,
        procedure_code=version.code,
        receiving_agency=places.district,
        applicant=CONTACT,
        components=full_checklist(version),
        now=MONDAY,
    )
    relay()
    assert [m["To"] for m in smtp.wait_for(1)] == [CONTACT["email"]]
    assert [m["to"] for m in sms.wait_for(1)] == [CONTACT["phone"]]


def test_a_channel_switched_off_by_setting_sends_nothing(notify, people, version, settings):
    smtp, sms = notify
    settings.EGOV_NOTIFY_CHANNELS = ["email"]
    receive(people, version)
    relay()
    assert len(smtp.wait_for(1)) == 1 and sms.messages == []
    assert list(Notification.objects.values_list("channel", flat=True)) == ["email"]
