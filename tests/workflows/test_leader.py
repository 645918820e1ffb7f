"""专诊 leader case: a responsible leader approves the plan, gets progress reports, signs off."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation import deadlines
from mediation.models import (
    AuditAction,
    CaseStatus,
    LeaderCase,
    Notification,
    Outcome,
    ProgressReport,
    Role,
)
from tests.factories import report_case, staff
from workflows.leader import LeaderCaseFlow
from workflows.models import LeaderProcess
from workflows.timers import fire_flow_timers

from .helpers import claim, open_task, perform, task_url
from .helpers_leader import (
    People,
    act,
    approved_plan,
    claim_leader,
    hand_to_leader,
    hard_case_in_mediation,
    leader_task,
    leader_tasks,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(district):
    return People(district)


@pytest.fixture
def case(client, district, people):
    return hard_case_in_mediation(client, district, people)


RESOLUTION = {"step": "resolution", "outcome": Outcome.AGREEMENT, "summary": "双方签订调解协议"}


def test_leader_case_is_offered_only_for_hard_cases(client, district, people):
    medium = report_case(handling_org=district.street, actor=district.street_staff)
    perform(
        client, district.street_staff, medium, "review", {"decision": "accept", "tier": "medium"}
    )
    perform(client, district.street_staff, medium, "dispatch", {"organisation": district.street.pk})
    perform(client, district.street_staff, medium, "start_mediation", {})

    response = perform(
        client,
        district.street_staff,
        medium,
        "handle",
        {"step": "leader", "leader": people.leader.pk},
    )

    assert response.status_code == 200
    assert "step" in response.context["form"].errors
    assert not LeaderCase.objects.filter(case=medium).exists()
    assert open_task(medium, "handle")


def test_hard_case_is_handed_to_a_responsible_leader_who_is_told(client, people, case):
    hand_to_leader(client, case, people)

    leader_case = LeaderCase.objects.get(case=case)
    assert leader_case.leader == people.leader and leader_case.appointed_by == people.handler
    assert case.events.filter(action=AuditAction.LEADER_APPOINTED).exists()
    assert Notification.objects.filter(user=people.leader, case=case).exists()
    # The loop waits for the leader case; the handler drafts the plan.
    assert open_task(case, "await_diagnosis")
    assert leader_task(case, "draft_plan")


def test_only_a_responsible_leader_other_than_the_handler_may_lead(client, district, people, case):
    staff("jk-mediator", district.court, Role.RESPONSIBLE_LEADER)  # the handler, also a leader
    response = perform(
        client, people.handler, case, "handle", {"step": "leader", "leader": people.handler.pk}
    )
    assert response.status_code == 200
    assert "leader" in response.context["form"].errors

    response = perform(
        client,
        people.handler,
        case,
        "handle",
        {"step": "leader", "leader": district.centre_staff.pk},
    )
    assert response.status_code == 200
    assert "leader" in response.context["form"].errors
    assert not LeaderCase.objects.filter(case=case).exists()


def test_leader_approves_the_plan_before_progress_reports_start(client, people, case):
    hand_to_leader(client, case, people)
    response = act(client, people.handler, case, "draft_plan", {"plan": "联合住建部门现场勘查"})
    assert response.status_code == 302

    page = client.get(task_url(leader_task(case, "approve_plan"), "assign"))
    assert page.status_code == 403  # the handler may not approve their own plan
    assert not leader_tasks(case, "progress").exists()
    assert not ProgressReport.objects.exists()

    client.force_login(people.leader)
    assert claim_leader(client, people.leader, case, "approve_plan").status_code == 302
    page = client.get(task_url(leader_task(case, "approve_plan"), "execute"))
    assert "联合住建部门现场勘查" in page.content.decode()
    response = client.post(
        task_url(leader_task(case, "approve_plan"), "execute"), {"decision": "approve"}
    )

    # The leader is not posted at the case's organisations, yet sees the case they lead.
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    leader_case = LeaderCase.objects.get(case=case)
    assert leader_case.plan_approved_at is not None
    report = ProgressReport.objects.get(leader_case=leader_case)
    assert report.due_on == leader_case.plan_approved_at.astimezone(SHANGHAI).date() + (
        datetime.timedelta(days=7)
    )
    assert leader_task(case, "progress")
    assert case.events.filter(action=AuditAction.LEADER_PLAN_APPROVED).exists()


def test_leader_returns_the_plan_and_the_handler_redrafts_it(client, people, case):
    hand_to_leader(client, case, people)
    act(client, people.handler, case, "draft_plan", {"plan": "先行调解"})

    response = act(client, people.leader, case, "approve_plan", {"decision": "return"})
    assert response.status_code == 200
    assert "comments" in response.context["form"].errors

    task = leader_task(case, "approve_plan")
    response = client.post(
        task_url(task, "execute"), {"decision": "return", "comments": "须明确责任部门和时限"}
    )
    assert response.status_code == 302
    event = case.events.get(action=AuditAction.LEADER_PLAN_RETURNED)
    assert event.data["comments"] == "须明确责任部门和时限"
    assert LeaderCase.objects.get(case=case).plan_approved_at is None

    assert claim_leader(client, people.handler, case, "draft_plan").status_code == 302
    page = client.get(task_url(leader_task(case, "draft_plan"), "execute"))
    assert "须明确责任部门和时限" in page.content.decode()
    client.post(
        task_url(leader_task(case, "draft_plan"), "execute"),
        {"plan": "住建局负责鉴定，街道十日内组织调解"},
    )
    act(client, people.leader, case, "approve_plan", {"decision": "approve"})

    leader_case = LeaderCase.objects.get(case=case)
    assert leader_case.plan == "住建局负责鉴定，街道十日内组织调解"
    assert leader_case.plan_approved_at is not None
    assert case.events.filter(action=AuditAction.LEADER_PLAN_DRAFTED).count() == 2


def test_progress_report_every_7_days_and_missed_report_alerts_the_leader(
    client, district, people, time_machine
):
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    time_machine.move_to(start, tick=False)
    case = hard_case_in_mediation(client, district, people)
    hand_to_leader(client, case, people)
    approved_plan(client, case, people)
    leader_case = LeaderCase.objects.get(case=case)
    assert ProgressReport.objects.get(leader_case=leader_case).due_on == datetime.date(2026, 3, 9)

    time_machine.move_to(start + datetime.timedelta(days=3), tick=False)
    response = act(client, people.handler, case, "progress", {"step": "report", "text": "已鉴定"})
    assert response.status_code == 302
    filed, owed = ProgressReport.objects.filter(leader_case=leader_case)
    assert filed.filed_by == people.handler and filed.text == "已鉴定"
    assert owed.due_on == datetime.date(2026, 3, 12) and owed.filed_at is None
    assert leader_task(case, "progress")

    # The day the report is due ends unfiled: nothing happens before it is over.
    time_machine.move_to(datetime.datetime(2026, 3, 12, 23, 0, tzinfo=SHANGHAI), tick=False)
    fire_flow_timers()
    assert not Notification.objects.filter(user=people.leader, text__contains="2026-03-12")
    time_machine.move_to(datetime.datetime(2026, 3, 13, 0, 30, tzinfo=SHANGHAI), tick=False)
    fire_flow_timers()

    owed.refresh_from_db()
    assert owed.missed and owed.filed_at is None
    assert case.events.filter(action=AuditAction.PROGRESS_MISSED).exists()
    alert = Notification.objects.get(user=people.leader, text__contains="2026-03-12")
    assert alert.case == case
    next_report = ProgressReport.objects.get(
        leader_case=leader_case, filed_at__isnull=True, missed=False
    )
    assert next_report.due_on == datetime.date(2026, 3, 19)
    # The handler's step is open again, with the timer of the next report.
    assert leader_task(case, "progress")
    response = act(client, people.handler, case, "progress", {"step": "report", "text": "调解中"})
    assert response.status_code == 302
    next_report.refresh_from_db()
    assert next_report.filed_at is not None and not next_report.missed
    assert not Task.objects.filter(status=STATUS.ERROR).exists()


def test_progress_report_needs_its_text(client, people, case):
    hand_to_leader(client, case, people)
    approved_plan(client, case, people)
    response = act(client, people.handler, case, "progress", {"step": "report"})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not ProgressReport.objects.filter(filed_at__isnull=False).exists()


def test_leader_signs_off_and_the_case_goes_to_verification(client, district, people, case):
    hand_to_leader(client, case, people)
    approved_plan(client, case, people)
    response = act(client, people.handler, case, "progress", RESOLUTION)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFYING and case.outcome == Outcome.AGREEMENT
    # The loop still waits: the leader signs off first.
    assert open_task(case, "await_diagnosis")

    assert claim_leader(client, people.leader, case, "sign_off").status_code == 302
    page = client.get(task_url(leader_task(case, "sign_off"), "execute"))
    assert "双方签订调解协议" in page.content.decode()
    response = client.post(
        task_url(leader_task(case, "sign_off"), "execute"), {"decision": "sign_off"}
    )

    assert response.status_code == 302
    leader_case = LeaderCase.objects.get(case=case)
    assert leader_case.signed_off_at is not None
    assert not ProgressReport.objects.filter(filed_at__isnull=True, missed=False).exists()
    assert LeaderProcess.objects.get(leader_case=leader_case).status == PROCESS.DONE
    assert case.events.filter(action=AuditAction.LEADER_SIGNED_OFF).exists()
    assert open_task(case, "verify")
    assert claim(client, people.handler, case, "verify").status_code == 403
    response = perform(client, district.street_staff, case, "verify", {"checked": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_leader_sends_the_resolution_back(client, people, case):
    hand_to_leader(client, case, people)
    approved_plan(client, case, people)
    act(client, people.handler, case, "progress", RESOLUTION)

    response = act(client, people.leader, case, "sign_off", {"decision": "send_back"})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors

    task = leader_task(case, "sign_off")
    response = client.post(
        task_url(task, "execute"), {"decision": "send_back", "note": "协议履行期限不明确"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and case.outcome == Outcome.NONE
    assert case.events.get(action=AuditAction.LEADER_SENT_BACK).data["note"] == "协议履行期限不明确"
    assert Notification.objects.filter(user=people.handler, text__contains="协议履行期限不明确")
    assert LeaderCase.objects.get(case=case).signed_off_at is None
    assert leader_task(case, "progress")
    assert ProgressReport.objects.filter(filed_at__isnull=True, missed=False).count() == 1

    act(client, people.handler, case, "progress", {**RESOLUTION, "summary": "补充履行期限"})
    act(client, people.leader, case, "sign_off", {"decision": "sign_off"})
    assert open_task(case, "verify")


def test_only_the_leader_may_approve_or_sign_off(client, district, people, case):
    hand_to_leader(client, case, people)
    # The leader does not draft the plan: that is the handler's work.
    assert claim_leader(client, people.leader, case, "draft_plan").status_code == 403
    act(client, people.handler, case, "draft_plan", {"plan": "分步化解"})
    # Who sees the case but is not its leader gets 403; another leader does not see it: 404.
    for someone, status in (
        (people.handler, 403),
        (people.other_leader, 404),
        (district.centre_staff, 403),
    ):
        assert claim_leader(client, someone, case, "approve_plan").status_code == status
    act(client, people.leader, case, "approve_plan", {"decision": "approve"})
    act(client, people.handler, case, "progress", RESOLUTION)
    for someone, status in (
        (people.handler, 403),
        (people.other_leader, 404),
        (district.street_staff, 403),
    ):
        assert claim_leader(client, someone, case, "sign_off").status_code == status
    assert LeaderCase.objects.get(case=case).signed_off_at is None


def test_leader_sees_the_cases_they_lead_and_other_streets_do_not(client, district, people, case):
    hand_to_leader(client, case, people)
    process = LeaderProcess.objects.get(leader_case__case=case)

    client.force_login(people.leader)
    for name in ("index", "process_list", "task_list", "inbox", "queue", "archive", "chart"):
        assert client.get(reverse(f"leadercase:{name}")).status_code == 200, name
    assert client.get(reverse("leadercase:process_detail", args=[process.pk])).status_code == 200
    listed = client.get(reverse("leadercase:process_list")).context["object_list"]
    assert process in listed

    client.force_login(district.other_street_staff)
    listed = client.get(reverse("leadercase:process_list")).context["object_list"]
    assert process not in listed
    response = client.get(reverse("leadercase:process_detail", args=[process.pk]))
    assert response.status_code in (403, 404)


def test_case_page_lists_the_handlers_leader_case_task(client, people, case):
    hand_to_leader(client, case, people)
    client.force_login(people.handler)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    claim_url = task_url(leader_task(case, "draft_plan"), "assign")
    assert claim_url in page.content.decode()


def test_case_page_shows_the_owed_report_as_the_progress_deadline(client, people, case):
    hand_to_leader(client, case, people)
    approved_plan(client, case, people)
    owed = ProgressReport.objects.get(filed_at__isnull=True)

    client.force_login(people.handler)
    page = client.get(reverse("cases:detail", args=[case.pk]))

    title = str(LeaderCaseFlow.progress.task_title)
    (entry,) = [task for task in page.context["open_tasks"] if task.title == title]
    assert entry.due == deadlines.end_of_day(owed.due_on) and not entry.overdue
