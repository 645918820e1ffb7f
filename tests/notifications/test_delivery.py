"""A channel that fails leaves its delivery failed with the error; a retry sends it later,
and after the last attempt it is given up. Two senders never send the same delivery."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from mediation import services_notify
from mediation.models import Delivery, DeliveryStatus, Person
from mediation.services_delivery import (
    BACKOFF,
    LEASE,
    MAX_ATTEMPTS,
    deliveries_claim,
    deliveries_retry,
)

from .conftest import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken(settings):
    settings.SMS_BACKEND = "tests.notifications.conftest.BrokenSms"


def _close_notice(case, capture) -> Delivery:
    with capture(execute=True):
        services_notify.case_closed(case=case)
    return Delivery.objects.get(case=case, person__phone=PHONE)


def test_a_failing_gateway_leaves_the_delivery_failed_and_a_retry_sends_it(
    case, capture, texts, settings, broken
):
    delivery = _close_notice(case, capture)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "gateway unreachable" in delivery.last_error
    assert delivery.sent_at is None and delivery.next_attempt_at > timezone.now()
    assert texts == []

    # Not due yet: the retry leaves it alone.
    assert deliveries_retry() == (0, 0)
    settings.SMS_BACKEND = "mediation.sms.LocmemBackend"
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        assert deliveries_retry() == (1, 0)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.last_error == "" and delivery.next_attempt_at is None
    [text] = texts
    assert text.phone == PHONE and case.number in text.text


def test_a_delivery_is_given_up_after_the_last_attempt(case, capture, broken):
    delivery = _close_notice(case, capture)
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        moment += BACKOFF[-1] + datetime.timedelta(minutes=1)
        with time_machine.travel(moment):
            assert deliveries_retry() == (0, 1)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert delivery.next_attempt_at is None
    with time_machine.travel(moment + datetime.timedelta(days=1)):
        assert deliveries_retry() == (0, 0)


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_ends(case, capture, broken):
    delivery = _close_notice(case, capture)
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        assert [row.pk for row in deliveries_claim()] == [delivery.pk]
        assert deliveries_claim() == []
    with time_machine.travel(delivery.next_attempt_at + LEASE + datetime.timedelta(seconds=2)):
        assert [row.pk for row in deliveries_claim()] == [delivery.pk]


def test_a_broker_task_sends_the_new_deliveries_once(case, settings, texts, capture):
    """With a broker, the committing process does not send: the task claims and sends,
    and the same task delivered twice sends nothing the second time."""
    from mediation.celery import app
    from mediation.tasks import send_deliveries

    app.conf.task_always_eager = False
    try:
        with capture(execute=False):
            services_notify.case_closed(case=case)
    finally:
        app.conf.task_always_eager = True
    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert Delivery.objects.filter(leased_until__isnull=True).count() == 2
    assert send_deliveries(ids) == (2, 0)
    assert send_deliveries(ids) == (0, 0)
    assert len(texts) == 1


class CountingEmail(locmem.EmailBackend):
    """Django's in-memory mail, counting the connections opened and closed."""

    opened = closed = 0

    def open(self):
        CountingEmail.opened += 1
        return super().open()

    def close(self):
        CountingEmail.closed += 1
        return super().close()


def test_a_batch_of_emails_goes_through_one_connection_closed_after_it(case, capture, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.CountingEmail"
    CountingEmail.opened = CountingEmail.closed = 0
    Person.objects.filter(case_parties__case=case, name="王五").update(email="wangwu@example.com")
    with capture(execute=True):
        services_notify.case_closed(case=case)
    assert sorted(m.to[0] for m in mail.outbox) == ["lisi@example.com", "wangwu@example.com"]
    assert (CountingEmail.opened, CountingEmail.closed) == (1, 1)
