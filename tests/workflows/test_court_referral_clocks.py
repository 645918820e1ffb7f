"""The clocks of a court referral, proved by travelling in time: the working days the
parties and mediators have, the mediation period with the holiday rule, extensions,
appraisals, the overdue alert and the judicial-confirmation window."""

import datetime

import pytest
from django.urls import reverse

from mediation.models import AuditAction, Notification
from mediation.models.referrals import ReferralStatus
from workflows.timers import fire_flow_timers

from .helpers_court import (
    at,
    has_open,
    last_referral,
    mediate,
    on_duty,
    perform,
    refer,
    take_and_consent,
    to_mediation,
)

pytestmark = pytest.mark.django_db


def test_one_party_application_other_party_contacted_within_3_working_days_art15(client, court):
    # Tuesday 29 September: 30 Sep is a working day, 1–7 Oct National Day, then 8 and 9 Oct.
    with at("2026-09-29"):
        refer(client, court, one_party_application="on")
        referral = last_referral()
        perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
        referral.refresh_from_db()
        assert referral.contact_by == datetime.date(2026, 10, 9)
    with at("2026-10-09", 23):
        fire_flow_timers()
        assert has_open(referral, "contact")
    with at("2026-10-10", 0):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert has_open(referral, "register")


def test_parties_choose_within_2_working_days_else_rotation_designates_art12(client, court):
    on_duty(court, datetime.date(2026, 9, 25), 20)
    with at("2026-09-29"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        referral.refresh_from_db()
        # 30 Sep, then the holiday, then 8 Oct.
        assert referral.choose_by == datetime.date(2026, 10, 8)
    with at("2026-10-08", 23):
        fire_flow_timers()
        assert has_open(referral, "choose")
    with at("2026-10-09", 0):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DESIGNATED
    assert referral.proposed_mediator == court.mediators[0]  # lightest load, joined first
    assert has_open(referral, "answer")


def test_designated_mediator_silent_for_3_working_days_next_in_rotation_art12(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
        referral.refresh_from_db()
        first = referral.proposed_mediator
        assert referral.answer_by == datetime.date(2026, 9, 4)
    with at("2026-09-05", 0):
        fire_flow_timers()
    referral.refresh_from_db()
    assert referral.proposed_mediator not in (None, first)
    assert referral.answers.get(mediator=first).accepted is None


def test_delegation_clock_is_30_days_and_ends_after_national_day_holiday(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        to_mediation(client, court, referral)
    # 1 September + 30 days is 1 October, National Day: the period ends on 8 October.
    assert referral.clock_started_on == datetime.date(2026, 9, 1)
    assert referral.due_on == datetime.date(2026, 10, 8)


@pytest.mark.parametrize(
    ("procedure", "due"),
    [("ordinary", datetime.date(2026, 9, 16)), ("simple", datetime.date(2026, 9, 8))],
)
def test_entrustment_clock_15_days_ordinary_7_days_simple(client, duty, procedure, due):
    court = duty
    with at("2026-09-01"):
        refer(
            client,
            court,
            kind="entrustment",
            procedure=procedure,
            court_case_number="（2026）经开民初7号",
        )
        referral = last_referral()
        to_mediation(client, court, referral)
    assert referral.due_on == due


def test_extension_refused_without_both_parties_consent_and_recorded_with_it(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        applicant, respondent = (
            referral.case.parties.get(role=role) for role in ("applicant", "respondent")
        )
    with at("2026-09-10"):
        url = reverse("referrals:action", args=[referral.pk, "extend"])
        client.force_login(mediator)
        data = {"days": 10, "reason": "需补充证据", "agreed_on": "2026-09-09"}
        response = client.post(url, {**data, f"consent_{applicant.pk}": "on"})
        assert response.status_code == 200
        assert "李四" in str(response.context["form"].non_field_errors())
        referral.refresh_from_db()
        assert referral.due_on == datetime.date(2026, 10, 8) and not referral.extensions.exists()

        both = {f"consent_{applicant.pk}": "on", f"consent_{respondent.pk}": "on"}
        response = client.post(url, {**data, **both, "consent_note": "双方书面同意"})
        assert response.status_code == 302
        referral.refresh_from_db()
        # 1 September + 40 days is Sunday 11 October: the period ends on Monday 12 October.
        assert referral.due_on == datetime.date(2026, 10, 12)
        extension = referral.extensions.get()
        assert extension.agreed_on == datetime.date(2026, 9, 9) and extension.days == 10
        assert set(extension.parties.all()) == {applicant, respondent}
        assert extension.reason == "需补充证据" and extension.consent_note == "双方书面同意"
        assert extension.recorded_by == mediator
        assert extension.due_before == datetime.date(2026, 10, 8)
        assert extension.due_after == datetime.date(2026, 10, 12)

        # Each extension is its own record, recorded by whoever records it.
        client.force_login(court.centre_staff)
        client.post(url, {**data, **both, "days": 5, "reason": "等待对账"})
        assert referral.extensions.count() == 2
        assert referral.extensions.last().recorded_by == court.centre_staff
        client.force_login(court.clerk)
        page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
        assert "需补充证据" in page and "等待对账" in page and "双方书面同意" in page


def test_extension_agreed_in_the_future_is_refused_and_nothing_saved(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        consents = {f"consent_{p.pk}": "on" for p in referral.case.parties.all()}
        client.force_login(mediator)
        response = client.post(
            reverse("referrals:action", args=[referral.pk, "extend"]),
            {"days": 10, "reason": "需补充证据", "agreed_on": "2026-09-02", **consents},
        )
        assert response.status_code == 200 and "agreed_on" in response.context["form"].errors
        assert not referral.extensions.exists()


def test_centre_designates_within_3_working_days_else_director_alerted_art12(client, court):
    # Nobody is on duty: the rotation finds nobody and the centre designates itself.
    with at("2026-09-29"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
        referral.refresh_from_db()
        assert has_open(referral, "pick") and referral.proposed_mediator is None
        # 30 September, the National Day holiday, then 8 and 9 October.
        assert referral.designate_by == datetime.date(2026, 10, 9)
    with at("2026-10-09", 23):
        fire_flow_timers()
        assert not Notification.objects.filter(user=court.director).exists()
    with at("2026-10-10", 0):
        fire_flow_timers()
        alerts = Notification.objects.filter(user=court.director, case=referral.case)
        assert alerts.count() == 1
        # The alert does not take the task away: the centre still designates.
        assert has_open(referral, "pick")
    with at("2026-10-12"):
        fire_flow_timers()
        assert alerts.count() == 1
        perform(client, court.centre_staff, referral, "pick", {"mediator": court.mediators[1].pk})
        referral.refresh_from_db()
        assert referral.proposed_mediator == court.mediators[1]
        perform(client, court.mediators[1], referral, "answer", {"accept": "1"})
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.MEDIATING


def test_centre_designating_in_time_alerts_nobody(client, court):
    with at("2026-09-29"):
        refer(client, court)
        referral = last_referral()
        take_and_consent(client, court, referral)
        perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
        perform(client, court.centre_staff, referral, "pick", {"mediator": court.mediators[0].pk})
        assert has_open(referral, "answer")
    # The centre's timer went with its task; the designated mediator has their own.
    with at("2026-10-10", 0):
        fire_flow_timers()
    assert not Notification.objects.filter(user=court.director).exists()


def test_appraisal_time_does_not_count_against_the_clock(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        client.force_login(mediator)
        client.post(
            reverse("referrals:action", args=[referral.pk, "appraisal_start"]), {"subject": "笔迹"}
        )
    with at("2026-10-09"):
        # The old end has passed, but the appraisal stops the clock: no alert.
        fire_flow_timers()
        assert not Notification.objects.filter(user=court.director).exists()
    with at("2026-10-11"):
        client.force_login(mediator)
        client.post(reverse("referrals:action", args=[referral.pk, "appraisal_end"]), {})
    referral.refresh_from_db()
    # 40 appraisal days added: 1 September + 70 days is 10 November.
    assert referral.due_on == datetime.date(2026, 11, 10)


def test_overdue_referral_is_escalated_to_director_and_shown_to_court_as_overdue(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        to_mediation(client, court, referral)
    with at("2026-10-08", 23):
        fire_flow_timers()
        assert not Notification.objects.filter(user=court.director).exists()
    with at("2026-10-09", 0):
        fire_flow_timers()
        assert Notification.objects.filter(user=court.director, case=referral.case).exists()
        referral.refresh_from_db()
        assert referral.is_overdue
        client.force_login(court.clerk)
        assert "mp-overdue" in client.get(reverse("referrals:list")).content.decode()
        assert referral.case.events.filter(action=AuditAction.REFERRAL_OVERDUE).count() == 1


def test_judicial_confirmation_applied_for_within_30_days_art33(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        mediate(client, mediator, referral.case, "agreement")
        response = perform(
            client, mediator, referral, "apply", {"applies": "1", "applied_on": "2026-10-20"}
        )
        assert response.status_code == 200  # past 1 October + holiday → 8 October
        referral.refresh_from_db()
        assert referral.confirmation_applied_on is None
    # Nobody applies: the window closes and the referral ends as agreed.
    with at("2026-10-09", 0):
        fire_flow_timers()
    assert referral.process.status == "DONE"
    assert not has_open(referral, "court_decides")
