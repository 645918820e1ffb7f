"""The parties' consent to a court referral, each party's answer on its own record
(特邀调解规定 art 11): a refusal ends the mediation (人民调解法 art 17)."""

import datetime

import pytest
from django.urls import reverse

from mediation.models import CaseStatus
from mediation.models.referrals import ConsentAnswer, ReferralStatus

from .helpers_court import answers, at, has_open, last_referral, perform, refer

pytestmark = pytest.mark.django_db


def _detail(client, user, referral) -> str:
    client.force_login(user)
    return client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()


def test_each_partys_consent_is_recorded_with_when_and_by_whom_art11(client, court):
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
        # The applicant answers first; the respondent has not answered yet.
        response = perform(
            client,
            court.centre_staff,
            referral,
            "consent",
            answers(referral, applicant=("consented", "电话确认")),
        )
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.CONSENT
        assert has_open(referral, "consent")  # waiting for the respondent
        assert "电话确认" in _detail(client, court.clerk, referral)
    with at("2026-09-02"):
        perform(
            client,
            court.centre_staff,
            referral,
            "consent",
            answers(referral, respondent="consented"),
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CHOOSING and has_open(referral, "choose")
    recorded = {c.party.role: c for c in referral.consents.select_related("party")}
    assert recorded["applicant"].answered_on == datetime.date(2026, 9, 1)
    assert recorded["respondent"].answered_on == datetime.date(2026, 9, 2)
    assert all(c.answer == ConsentAnswer.CONSENTED for c in recorded.values())
    assert all(c.recorded_by == court.centre_staff for c in recorded.values())
    # The court sees each answer on its own referral.
    page = _detail(client, court.clerk, referral)
    assert "张三" in page and "李四" in page and "2026-09-02" in page


def test_party_refusal_ends_mediation_and_returns_to_court_art17(client, court):
    refer(client, court)
    referral = last_referral()
    perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
    perform(
        client,
        court.centre_staff,
        referral,
        "consent",
        answers(referral, applicant="consented", respondent=("refused", "不愿调解")),
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert "李四" in referral.return_reason and "不愿调解" in referral.return_reason
    assert referral.case.status == CaseStatus.REJECTED
    refusal = referral.consents.get(party__role="respondent")
    assert refusal.answer == ConsentAnswer.REFUSED and refusal.recorded_by == court.centre_staff
    assert not has_open(referral, "choose") and has_open(referral, "register")
    assert "不愿调解" in _detail(client, court.clerk, referral)
    perform(client, court.clerk, referral, "register", {"court_case_number": "（2026）经开民初1号"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REGISTERED


def test_one_partys_application_is_their_consent_and_unreached_other_party_returns_art15(
    client, court
):
    refer(client, court, one_party_application="on")
    referral = last_referral()
    perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
    applicant = referral.consents.get()
    assert applicant.party.role == "applicant" and applicant.answer == ConsentAnswer.CONSENTED
    # "Could not be reached" says how the party was contacted.
    response = perform(
        client, court.centre_staff, referral, "contact", answers(referral, respondent="unreached")
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert referral.consents.count() == 1
    perform(
        client,
        court.centre_staff,
        referral,
        "contact",
        answers(referral, respondent=("unreached", "三次电话无人接听")),
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert "三次电话无人接听" in referral.return_reason
    assert has_open(referral, "register")


def test_consent_with_no_answer_or_a_future_date_is_refused_and_nothing_saved(client, court):
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
        response = perform(client, court.centre_staff, referral, "consent", answers(referral))
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        future = answers(referral, "2026-09-05", applicant="consented", respondent="consented")
        response = perform(client, court.centre_staff, referral, "consent", future)
        assert response.status_code == 200
        assert "answered_on" in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT and not referral.consents.exists()
