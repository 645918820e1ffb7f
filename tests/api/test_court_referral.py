"""A court's system refers a dispute through the API; the centre works it on the staff
pages; the court reads the outcome and records its decision or its case number."""

import pytest
from viewflow.workflow.models import Task

from mediation.models import Channel, OrgKind, Role
from mediation.models.referrals import CourtDecision, Referral, ReferralStatus
from tests.factories import make_id_number, org, staff
from tests.workflows.helpers_court import (
    START,
    at,
    has_open,
    make_court,
    mediate,
    on_duty,
    perform,
    record_session,
    schedule_session,
    to_mediation,
)
from workflows.court import CourtReferralFlow

from .conftest import issue

pytestmark = pytest.mark.django_db

REFERRALS = "/api/v1/court-referrals/"


@pytest.fixture
def court(district):
    court = make_court(district)
    on_duty(court, START.date(), 60)
    court.api = issue(court.court, "法院诉调对接系统")
    return court


def referral_data(court, **overrides) -> dict:
    data = {
        "kind": "delegation",
        "centre": court.centre.code,
        "title": "借款纠纷",
        "claim": "请求被告归还借款五万元。",
        "dispute_type": "debt",
        "amount": "50000",
        "parties": [
            {
                "role": "applicant",
                "name": "张三",
                "id_number": make_id_number(),
                "phone": "13800138000",
            },
            {"role": "respondent", "name": "李四", "phone": "13900139000"},
        ],
    }
    data.update(overrides)
    return data


def refer(court, **overrides) -> Referral:
    response = court.api.post(REFERRALS, referral_data(court, **overrides), key="fy-2026-001")
    assert response.status_code == 201, response.json()
    return Referral.objects.get(pk=response.json()["id"])


def test_delegation_through_the_api_comes_back_with_its_confirmed_agreement(client, court):
    with at("2026-09-01"):
        referral = refer(court)
        case = referral.case
        assert case.channel == Channel.COURT and case.amount == 50000
        assert referral.court == court.court and referral.created_by == court.api.token.user
        # The flow started as from the clerk's page: the centre's decision is waiting.
        assert has_open(referral, "decide")
        body = court.api.get(f"{REFERRALS}{referral.pk}/").json()
        assert body["status"] == ReferralStatus.SUBMITTED and body["awaiting_court"] == []

        mediator = to_mediation(client, court, referral)
        schedule_session(client, mediator, referral, "2026-09-02")
    with at("2026-09-02", 12):
        record_session(client, mediator, referral, outcome="agreement")
        mediate(client, mediator, case, "agreement")
        perform(
            client,
            court.centre_staff,
            referral,
            "apply",
            {"applies": "1", "applied_on": "2026-09-02"},
        )
        body = court.api.get(f"{REFERRALS}{referral.pk}/").json()
        assert body["status"] == ReferralStatus.AGREED
        assert body["case_outcome"] == "agreement" and body["agreed_on"] == "2026-09-02"
        assert body["confirmation_applied_on"] == "2026-09-02"
        assert body["awaiting_court"] == ["decision"]

        # The court records its decision through the API: accepted, then confirmed.
        url = f"{REFERRALS}{referral.pk}/decision/"
        accepted = court.api.post(url, {"decision": "accepted"})
        assert accepted.status_code == 200, accepted.json()
        assert accepted.json()["court_decision"] == CourtDecision.ACCEPTED
        confirmed = court.api.post(url, {"decision": "confirmed"})
        assert confirmed.status_code == 200, confirmed.json()
        body = court.api.get(f"{REFERRALS}{referral.pk}/").json()
        assert body["court_decision"] == CourtDecision.CONFIRMED
        assert body["awaiting_court"] == []
        referral.refresh_from_db()
        assert referral.process.status == "DONE"
        # The decision was the flow's own task, done by the token's clerk.
        decided = Task.objects.filter(
            process=referral.process, flow_task=CourtReferralFlow.court_decides
        )
        assert decided.count() == 2
        assert {task.owner_id for task in decided} == {court.api.token.user_id}
        # Nothing more is open for the court.
        again = court.api.post(url, {"decision": "confirmed"})
        assert again.status_code == 409 and again.json()["code"] == "step_not_open"


def test_failed_delegation_is_registered_with_the_courts_case_number(client, court):
    with at("2026-09-01"):
        referral = refer(court)
        mediator = to_mediation(client, court, referral)
        schedule_session(client, mediator, referral, "2026-09-03")
    with at("2026-09-03", 12):
        record_session(client, mediator, referral, outcome="no_agreement")
        mediate(
            client,
            mediator,
            referral.case,
            "terminated",
            reasons="被申请人拒不到场",
            other_routes="可向人民法院起诉",
        )
        perform(
            client,
            mediator,
            referral,
            "failure",
            {"undisputed_facts": "借款事实无争议", "cost_conduct": ""},
        )
        body = court.api.get(f"{REFERRALS}{referral.pk}/").json()
        assert body["status"] == ReferralStatus.RETURNED
        assert body["termination_reasons"] == "被申请人拒不到场"
        assert body["undisputed_facts"] == "借款事实无争议"
        assert body["awaiting_court"] == ["registration"]
        url = f"{REFERRALS}{referral.pk}/registration/"
        empty = court.api.post(url, {"court_case_number": ""})
        assert empty.status_code == 400
        response = court.api.post(url, {"court_case_number": "（2026）皖0191民初1234号"})
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == ReferralStatus.REGISTERED
        assert response.json()["court_case_number"] == "（2026）皖0191民初1234号"
        referral.refresh_from_db()
        assert referral.process.status == "DONE"


def test_an_entrustment_names_its_procedure_and_case_number(court):
    with at("2026-09-01"):
        response = court.api.post(REFERRALS, referral_data(court, kind="entrustment"))
        assert response.status_code == 400
        fields = response.json()["fields"]
        assert "procedure" in fields and "court_case_number" in fields
        response = court.api.post(
            REFERRALS,
            referral_data(
                court,
                kind="entrustment",
                procedure="simple",
                court_case_number="（2026）皖0191民初77号",
            ),
        )
        assert response.status_code == 201, response.json()
        assert response.json()["kind"] == "entrustment"


def test_only_a_courts_token_refers_and_only_its_court_records(district, court):
    with at("2026-09-01"):
        street = issue(district.street, "街道系统")
        response = street.post(REFERRALS, referral_data(court))
        assert response.status_code == 403 and response.json()["code"] == "not_a_court"
        referral = refer(court)
        # Another court's token sees nothing of it.
        other_court = org("hf-court", OrgKind.COURT, name="另一法院")
        other = issue(other_court, "另一法院系统")
        assert other.get(f"{REFERRALS}{referral.pk}/").status_code == 404
        assert other.get(REFERRALS).json()["count"] == 0
        assert (
            other.post(f"{REFERRALS}{referral.pk}/decision/", {"decision": "accepted"}).status_code
            == 404
        )
        # The receiving centre's token sees it, but records nothing for the court.
        centre = issue(court.centre, "中心系统")
        assert centre.get(f"{REFERRALS}{referral.pk}/").status_code == 200
        response = centre.post(f"{REFERRALS}{referral.pk}/decision/", {"decision": "accepted"})
        assert response.status_code == 403 and response.json()["code"] == "not_the_court"


def test_the_court_lists_its_referrals_by_status(court):
    with at("2026-09-01"):
        referral = refer(court)
        listed = court.api.get(REFERRALS).json()
        assert [r["id"] for r in listed["results"]] == [referral.pk]
        assert court.api.get(REFERRALS, {"status": "agreed"}).json()["count"] == 0
        assert court.api.get(REFERRALS, {"status": "bogus"}).status_code == 400


def test_a_judge_posted_at_the_court_sees_what_the_token_sees(court):
    """The token acts as the court's staff: a clerk's case list is the token's."""
    with at("2026-09-01"):
        refer(court)
        judge = staff("judge2", court.court, Role.JUDGE)
        from mediation.access import cases_visible_to

        token_cases = {c["id"] for c in court.api.get("/api/v1/cases/").json()["results"]}
        assert token_cases == set(cases_visible_to(judge).values_list("pk", flat=True))
