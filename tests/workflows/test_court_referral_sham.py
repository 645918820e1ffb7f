"""Suspected sham mediation (虚假调解): the mediator suspends and reports it; the court
lets mediation resume, the suspended days not counting, or takes the case back."""

import datetime

import pytest
from django.urls import reverse

from mediation.models import AuditAction, CaseStatus, Notification, Outcome
from mediation.models.referrals import ReferralStatus, SuspensionDecision
from workflows.timers import fire_flow_timers

from .helpers import claim as loop_claim
from .helpers import open_task as open_loop_task
from .helpers import task_url
from .helpers_court import (
    at,
    has_open,
    last_referral,
    mediate,
    open_task,
    perform,
    refer,
    schedule_session,
    to_mediation,
)

pytestmark = pytest.mark.django_db


def flag(client, user, referral, note="双方串通虚构债务"):
    client.force_login(user)
    return client.post(reverse("referrals:action", args=[referral.pk, "sham"]), {"note": note})


def suspended_referral(client, court):
    """A delegation in mediation from 1 September, flagged by its mediator on 10 September."""
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
    with at("2026-09-10"):
        flag(client, mediator, referral)
    referral.refresh_from_db()
    return referral, mediator


def test_sham_mediation_flag_suspends_and_tells_the_court(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        # Only the mediator flags it.
        assert flag(client, court.centre_staff, referral, "x").status_code == 403
        response = flag(client, mediator, referral)
        assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUSPENDED
    suspension = referral.suspensions.get()
    assert suspension.note == "双方串通虚构债务" and suspension.flagged_by == mediator
    assert suspension.started_on == datetime.date(2026, 9, 1)
    assert Notification.objects.filter(organisation=court.court, case=referral.case).exists()
    # The court now has a step on the suspended referral; mediation waits for it.
    assert has_open(referral, "court_sham") and not has_open(referral, "mediation")
    client.force_login(court.centre_staff)
    assert client.post(task_url(open_task(referral, "court_sham"), "assign")).status_code == 403


def test_no_session_is_scheduled_while_mediation_is_suspended(client, duty):
    referral, mediator = suspended_referral(client, duty)
    with at("2026-09-11"):
        client.force_login(mediator)
        response = client.post(
            reverse("cases:session_schedule", args=[referral.case_id]),
            {
                "date": "2026-09-12",
                "time": "09:30",
                "place": "第一调解室",
                **{f"notice_{p.pk}": "sms" for p in referral.case.parties.all()},
            },
        )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not referral.case.sessions.exists()


def test_court_lets_mediation_resume_and_suspended_days_do_not_count(client, duty):
    court = duty
    referral, mediator = suspended_referral(client, court)
    assert referral.due_on == datetime.date(2026, 10, 8)
    with at("2026-09-21"):
        response = perform(client, court.judge, referral, "court_sham", {"decision": "resume"})
        assert response.status_code == 200  # the court gives its reasons
        perform(
            client,
            court.judge,
            referral,
            "court_sham",
            {"decision": "resume", "note": "经核查债务真实"},
        )
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.MEDIATING and has_open(referral, "mediation")
        suspension = referral.suspensions.get()
        assert suspension.decision == SuspensionDecision.RESUMED
        assert suspension.ended_on == datetime.date(2026, 9, 21)
        assert suspension.decided_by == court.judge
        # 11 suspended days: 1 September + 41 days is Monday 12 October.
        assert referral.due_on == datetime.date(2026, 10, 12)
        assert referral.case.events.filter(action=AuditAction.REFERRAL_RESUMED).exists()
        # The mediator holds sessions again.
        schedule_session(client, mediator, referral, "2026-09-22")
    with at("2026-10-09", 0):
        fire_flow_timers()
        assert not Notification.objects.filter(user=court.director).exists()
    with at("2026-10-13", 0):
        fire_flow_timers()
        assert Notification.objects.filter(user=court.director, case=referral.case).exists()


def test_court_takes_the_case_back_after_sham_mediation_and_registers_it(client, duty):
    court = duty
    referral, mediator = suspended_referral(client, court)
    with at("2026-09-14"):
        perform(
            client,
            court.judge,
            referral,
            "court_sham",
            {"decision": "end", "note": "虚假诉讼嫌疑，移送审查"},
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert "虚假诉讼嫌疑" in referral.return_reason
    assert referral.suspensions.get().decision == SuspensionDecision.ENDED
    # The case's mediation is terminated with the court's reasons; the loop verifies it.
    case = referral.case
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFYING and case.outcome == Outcome.TERMINATED
    assert open_loop_task(case, "verify")
    client.force_login(mediator)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "虚假诉讼嫌疑" in page
    # A delegation goes on to the court's registration (立案).
    assert has_open(referral, "register")
    perform(client, court.clerk, referral, "register", {"court_case_number": "（2026）经开民初9号"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REGISTERED
    assert referral.process.status == "DONE"


def test_no_outcome_is_recorded_while_mediation_is_suspended(client, duty):
    court = duty
    referral, mediator = suspended_referral(client, court)
    with at("2026-09-11"):
        # The case loop's handling is held: the mediator cannot take the step.
        response = loop_claim(client, mediator, referral.case, "start_mediation")
        assert response.status_code == 403
        referral.case.refresh_from_db()
        assert referral.case.status == CaseStatus.DISPATCHED
        perform(
            client,
            court.judge,
            referral,
            "court_sham",
            {"decision": "resume", "note": "经核查无虚假情形"},
        )
        response = mediate(client, mediator, referral.case, "agreement")
        assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AGREED and has_open(referral, "apply")
