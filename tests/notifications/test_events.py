"""Each event tells the right people on the right channels, after the commit only."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mediation import services, services_sessions
from mediation.models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationEvent,
)
from tests.workflows.helpers import perform

from .conftest import PHONE

pytestmark = pytest.mark.django_db

TASK = NotificationEvent.TASK_ASSIGNED


def _to_verification(client, district, case):
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "micro"})
    perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.grid.pk, "mediator": district.grid_worker.pk},
    )
    perform(client, district.grid_worker, case, "start_mediation", {})
    perform(
        client,
        district.grid_worker,
        case,
        "handle",
        {"step": "outcome", "outcome": "agreement", "summary": "双方和解"},
    )


def test_a_reported_case_tells_its_centre_of_the_review_task(district, case):
    notice = Notification.objects.get(case=case, event=TASK)
    assert notice.organisation == district.street and notice.user is None
    assert case.number in notice.text and "Accept and review" in notice.text


def test_dispatch_tells_the_mediator_and_the_outcome_tells_the_centre_to_verify(
    client, district, case
):
    _to_verification(client, district, case)
    told = list(
        Notification.objects.filter(case=case, event=TASK)
        .order_by("id")
        .values_list("organisation_id", "user_id")
    )
    # Review (centre), start mediation (the mediator), verify (centre): the steps that go
    # on with the same people (dispatch, handle) are not announced.
    assert told == [
        (district.street.pk, None),
        (None, district.grid_worker.pk),
        (district.street.pk, None),
    ]
    assert not Delivery.objects.exists()


def test_closing_tells_each_party_by_text_or_email_and_one_without_either_not_at_all(
    client, district, case, capture, texts
):
    _to_verification(client, district, case)
    with capture(execute=True):
        perform(client, district.street_staff, case, "verify", {"checked": "on"})
    deliveries = {d.person.name: d for d in Delivery.objects.filter(case=case)}
    assert set(deliveries) == {"张三", "李四"}
    assert deliveries["张三"].channel == DeliveryChannel.SMS
    assert deliveries["李四"].channel == DeliveryChannel.EMAIL
    assert all(d.status == DeliveryStatus.SENT and d.attempts == 1 for d in deliveries.values())
    assert all(d.event == NotificationEvent.CASE_CLOSED for d in deliveries.values())
    [text] = texts
    assert text.phone == PHONE and case.number in text.text and "is closed" in text.text
    [email] = mail.outbox
    assert email.to == ["lisi@example.com"] and case.number in email.subject


def test_nothing_is_stored_or_sent_when_the_transaction_rolls_back(
    client, district, case, capture, texts
):
    _to_verification(client, district, case)
    with capture(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.case_verify_close(case=case, actor=district.street_staff)
            assert Delivery.objects.filter(case=case).count() == 2
            raise RuntimeError("the page failed after the service")
    assert not Delivery.objects.exists()
    assert texts == [] and mail.outbox == []


def _notices(case):
    return {
        party.pk: ("sms" if party.person.phone else "in_person") for party in case.parties.all()
    }


def test_a_session_scheduled_and_moved_texts_the_parties_told_by_sms(
    client, district, case, capture, texts
):
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "small"})
    when = timezone.now() + datetime.timedelta(days=3)
    with capture(execute=True):
        session = services_sessions.session_schedule(
            case=case,
            actor=district.street_staff,
            scheduled_at=when,
            place="太湖街道调解室",
            notices=_notices(case),
        )
    [scheduled] = texts
    assert scheduled.phone == PHONE and "太湖街道调解室" in scheduled.text
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in scheduled.text
    # Those told in person were told in person: no email, no text.
    assert mail.outbox == []

    later = when + datetime.timedelta(days=2)
    with capture(execute=True):
        services_sessions.session_postpone(
            session=session,
            actor=district.street_staff,
            reason="申请人临时出差",
            scheduled_at=later,
            place="太湖街道调解室",
            notices=_notices(case),
        )
    moved = texts[-1]
    assert len(texts) == 2 and "申请人临时出差" in moved.text
    assert timezone.localtime(later).strftime("%Y-%m-%d %H:%M") in moved.text
    events = set(Delivery.objects.values_list("event", flat=True))
    assert events == {NotificationEvent.SESSION_SCHEDULED, NotificationEvent.SESSION_MOVED}
