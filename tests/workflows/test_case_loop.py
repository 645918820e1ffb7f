"""The closed loop of a case, worked through its web pages by the right people."""

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import AuditAction, CaseRating, CaseStatus, Outcome, Role
from tests.factories import report_case, staff
from workflows.models import CaseProcess

from .helpers import claim, open_task, perform, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    return report_case(handling_org=district.street, actor=district.street_staff)


def accept(client, district, case, tier):
    response = perform(
        client, district.street_staff, case, "review", {"decision": "accept", "tier": tier}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_a_reported_case_enters_the_loop_at_review(case):
    process = CaseProcess.objects.get(case=case)
    assert process.status == PROCESS.NEW
    assert open_task(case, "review").status == STATUS.NEW


def test_closed_loop_report_accept_dispatch_agree_verify_rate(client, district, case):
    accept(client, district, case, "micro")
    assert case.tier == "micro" and case.due_at is not None

    response = perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.grid.pk, "mediator": district.grid_worker.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.handling_org == district.grid and case.mediator == district.grid_worker

    response = perform(client, district.grid_worker, case, "start_mediation", {"note": "约谈双方"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING

    response = perform(
        client,
        district.grid_worker,
        case,
        "handle",
        {
            "step": "outcome",
            "outcome": Outcome.AGREEMENT,
            "summary": "双方达成协议，楼上住户负责维修。",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFYING and case.outcome == Outcome.AGREEMENT

    response = perform(client, district.street_staff, case, "verify", {"checked": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None

    # Both parties were reached in one call round: one rating step records both.
    first, second = case.parties.all()
    response = perform(
        client,
        district.street_staff,
        case,
        "rate",
        {f"stars_{first.pk}": 5, f"comment_{first.pk}": "满意", f"stars_{second.pk}": 4},
    )
    assert response.status_code == 302
    assert sorted(CaseRating.objects.filter(case=case).values_list("stars", flat=True)) == [4, 5]
    assert CaseProcess.objects.get(case=case).status == PROCESS.DONE
    actions = list(case.events.values_list("action", flat=True))
    for action in (
        AuditAction.CASE_ACCEPTED,
        AuditAction.CASE_DISPATCHED,
        AuditAction.CASE_OUTCOME,
        AuditAction.CASE_CLOSED,
        AuditAction.CASE_RATED,
    ):
        assert action in actions
    # The case page lists no open task once the loop is done.
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_rejected_case_ends_with_reason(client, district, case):
    response = perform(
        client,
        district.street_staff,
        case,
        "review",
        {"decision": "reject", "reason": "不属于民间纠纷受理范围"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    event = case.events.get(action=AuditAction.CASE_REJECTED)
    assert event.data["reason"] == "不属于民间纠纷受理范围"
    assert CaseProcess.objects.get(case=case).status == PROCESS.DONE


def test_rejection_without_reason_is_refused_and_the_case_stays_reported(client, district, case):
    response = perform(client, district.street_staff, case, "review", {"decision": "reject"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
    assert open_task(case, "review")


def test_criminal_matter_is_redirected_to_police_art25(client, district, case):
    response = perform(
        client,
        district.street_staff,
        case,
        "review",
        {
            "decision": "redirect",
            "to_body": "经开区公安分局太湖派出所",
            "reason": "一方扬言报复，可能引发治安案件",
            "police": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REDIRECTED
    event = case.events.get(action=AuditAction.CASE_REDIRECTED)
    assert event.data["police"] is True
    assert event.data["to_body"] == "经开区公安分局太湖派出所"


def test_merged_case_points_to_the_open_case(client, district, case):
    other = report_case(handling_org=district.street, actor=district.street_staff)
    response = perform(
        client,
        district.street_staff,
        case,
        "review",
        {"decision": "merge", "into": other.pk, "reason": "同一纠纷重复上报"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MERGED and case.merged_into == other


def test_termination_requires_reasons_and_other_routes_art26(client, district, case):
    accept(client, district, case, "medium")
    perform(client, district.street_staff, case, "dispatch", {"organisation": district.street.pk})
    perform(client, district.street_staff, case, "start_mediation", {})
    handler = district.street_staff
    response = perform(
        client,
        handler,
        case,
        "handle",
        {"step": "outcome", "outcome": Outcome.TERMINATED, "summary": "调解三次，双方分歧较大。"},
    )
    assert response.status_code == 200
    assert "reasons" in response.context["form"].errors
    assert "other_routes" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and case.outcome == Outcome.NONE

    task = open_task(case, "handle")
    response = client.post(
        task_url(task, "execute"),
        {
            "step": "outcome",
            "outcome": Outcome.TERMINATED,
            "summary": "调解三次，双方分歧较大。",
            "reasons": "被申请人拒绝继续调解",
            "other_routes": "可向人民法院提起诉讼",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFYING and case.outcome == Outcome.TERMINATED


def test_verifier_cannot_be_the_handler(client, district, case):
    accept(client, district, case, "medium")
    perform(client, district.street_staff, case, "dispatch", {"organisation": district.street.pk})
    perform(client, district.street_staff, case, "start_mediation", {})
    perform(
        client,
        district.street_staff,
        case,
        "handle",
        {"step": "outcome", "outcome": Outcome.AGREEMENT, "summary": "达成协议"},
    )
    assert claim(client, district.street_staff, case, "verify").status_code == 403
    assert open_task(case, "verify").owner is None

    colleague = staff("street-b", district.street, Role.CENTRE_STAFF)
    response = perform(client, colleague, case, "verify", {"checked": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_dispatch_must_match_the_tier_level(client, district, case):
    accept(client, district, case, "micro")
    response = perform(
        client, district.street_staff, case, "dispatch", {"organisation": district.community.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.handling_org == district.street


def test_users_outside_the_case_get_404_and_state_is_unchanged(client, district, case):
    # They do not see the case, so its task is not found for them: ids cannot be probed.
    for outsider in (district.grid_worker, district.other_street_staff):
        assert claim(client, outsider, case, "review").status_code == 404
    task = open_task(case, "review")
    assert task.owner is None

    # Claimed by the right person, the task still cannot be executed by someone else.
    assert claim(client, district.street_staff, case, "review").status_code == 302
    client.force_login(district.other_street_staff)
    response = client.post(task_url(task, "execute"), {"decision": "reject", "reason": "x"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_second_claim_of_a_task_is_refused_politely(client, district, case):
    director = staff("th-director", district.street, Role.CENTRE_DIRECTOR)
    assert claim(client, district.street_staff, case, "review").status_code == 302

    response = claim(client, director, case, "review")
    assert response.status_code == 302
    assert response.url == f"/cases/{case.pk}/"
    page = client.get(response.url)
    assert page.status_code == 200
    messages = [str(m) for m in page.context["messages"]]
    assert any("already taken" in m or "已被" in m for m in messages)
    assert open_task(case, "review").owner == district.street_staff
