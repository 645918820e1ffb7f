"""Entrustment (委托) after filing: a failed or refused entrustment goes back to the court
and its trial resumes under the case number it was filed with; there is no 立案."""

import pytest
from django.urls import reverse

from mediation.models import AuditAction
from mediation.models.referrals import ReferralStatus
from workflows.court import CourtReferralFlow

from .helpers_court import (
    answers,
    at,
    has_open,
    last_referral,
    mediate,
    perform,
    refer,
    to_mediation,
)

pytestmark = pytest.mark.django_db

NUMBER = "（2026）经开民初77号"


def refer_entrustment(client, court, **overrides):
    return refer(
        client,
        court,
        kind="entrustment",
        procedure="ordinary",
        court_case_number=NUMBER,
        **overrides,
    )


def test_failed_entrustment_resumes_the_trial_under_its_case_number_not_registered(client, duty):
    court = duty
    with at("2026-09-01"):
        refer_entrustment(client, court)
        referral = last_referral()
        assert referral.court_case_number == NUMBER
        mediator = to_mediation(client, court, referral)
        mediate(
            client,
            mediator,
            referral.case,
            "terminated",
            reasons="双方差距过大",
            other_routes="恢复审理",
        )
        perform(client, mediator, referral, "failure", {"undisputed_facts": "借款事实无争议"})
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.RETURNED
        # Not the registration meant for a delegation: the court resumes the trial.
        assert has_open(referral, "resume_trial") and not has_open(referral, "register")
        client.force_login(court.clerk)
        page = client.get(reverse("referrals:detail", args=[referral.pk]))
        assert NUMBER in page.content.decode()

        response = perform(client, court.judge, referral, "resume_trial", {"court_case_number": ""})
        assert response.status_code == 200  # the case number is required
        perform(client, court.judge, referral, "resume_trial", {"court_case_number": NUMBER})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TRIAL
    assert referral.court_case_number == NUMBER and referral.trial_resumed_at is not None
    assert referral.registered_at is None
    events = referral.case.events
    assert events.filter(action=AuditAction.REFERRAL_TRIAL_RESUMED).exists()
    assert not events.filter(action=AuditAction.REFERRAL_REGISTERED).exists()
    assert referral.process.status == "DONE"
    ends = [task.flow_task for task in referral.process.task_set.filter(flow_task_type="END")]
    assert ends == [CourtReferralFlow.trial_resumed]


def test_refused_entrustment_goes_back_to_its_trial(client, court):
    refer_entrustment(client, court)
    referral = last_referral()
    perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
    perform(
        client,
        court.centre_staff,
        referral,
        "consent",
        answers(referral, applicant=("refused", "要求法院判决")),
    )
    assert has_open(referral, "resume_trial") and not has_open(referral, "register")
    perform(client, court.clerk, referral, "resume_trial", {"court_case_number": NUMBER})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TRIAL


def test_entrustment_without_its_case_number_is_rejected(client, court):
    response = refer(client, court, kind="entrustment", procedure="simple", court_case_number="")
    assert response.status_code == 200
    assert "court_case_number" in response.context["form"].errors
    assert last_referral() is None
