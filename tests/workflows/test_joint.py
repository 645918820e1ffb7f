"""The joint consultation (会诊), worked through its web pages by the right people."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation import deadlines
from mediation.models import (
    AuditAction,
    CaseStatus,
    DepartmentSummons,
    JointConsultation,
    Notification,
    Role,
)
from tests.factories import staff
from workflows.joint import JointConsultationFlow
from workflows.models import JointProcess
from workflows.timers import fire_flow_timers

from .helpers import open_task, task_url
from .helpers_joint import (
    case_in_mediation,
    do,
    in_days,
    joint_task,
    joint_tasks,
    make_departments,
    summon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def depts(district):
    return make_departments(district)


@pytest.fixture
def case(client, district):
    return case_in_mediation(client, district)


@pytest.fixture
def summoned(client, district, depts, case):
    """The police and the housing bureau are summoned to report in within three days."""
    response = summon(client, district, case, [depts.police, depts.housing], due_on=in_days(3))
    assert response.status_code == 302
    return case


def report_in(client, user, case, department, opinion):
    return do(client, user, joint_task(case, "report_in", department), {"opinion": opinion})


def past_the_date(case, department):
    """A moment after the department's report-in date has ended."""
    summons = DepartmentSummons.objects.get(consultation__case=case, department=department)
    return deadlines.end_of_day(summons.due_on) + datetime.timedelta(minutes=5)


def escalate_housing(summoned, depts):
    """The housing bureau misses its date; the sweep escalates it. Returns the moment."""
    moment = past_the_date(summoned, depts.housing)
    with time_machine.travel(moment, tick=False):
        fire_flow_timers()
    return moment


def test_summoning_two_departments_creates_one_report_in_task_each(summoned, depts):
    consultation = JointConsultation.objects.get(case=summoned)
    assert consultation.is_open and consultation.reason == "请各部门提出处理意见"
    summonses = {s.department: s for s in consultation.summonses.all()}
    assert set(summonses) == {depts.police, depts.housing}
    assert all(s.due_on == in_days(3) for s in summonses.values())

    for department in (depts.police, depts.housing):
        assert joint_task(summoned, "report_in", department).status == STATUS.NEW
        assert Notification.objects.filter(organisation=department, case=summoned).exists()
    assert summoned.events.filter(action=AuditAction.JOINT_SUMMONED).count() == 1
    # The case loop waits for the consultation.
    assert open_task(summoned, "await_diagnosis")


def test_summoning_without_a_date_gives_the_configured_working_days(
    client, district, depts, case, settings
):
    assert summon(client, district, case, [depts.police]).status_code == 302
    summons = DepartmentSummons.objects.get(consultation__case=case)
    working_days = settings.MEDIATION["SUMMONS_WORKING_DAYS"]
    assert summons.due_on == deadlines.summons_due_date(
        summons.consultation.summoned_at.date(), working_days
    )


def test_summoning_no_department_is_a_form_error_and_changes_nothing(client, district, case):
    response = summon(client, district, case, [])
    assert response.status_code == 200
    assert "departments" in response.context["form"].errors
    assert not JointConsultation.objects.filter(case=case).exists()
    assert open_task(case, "handle").owner == district.street_staff


def test_a_report_in_date_in_the_past_is_a_form_error_and_changes_nothing(
    client, district, depts, case
):
    response = summon(client, district, case, [depts.police], due_on=in_days(-1))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not JointConsultation.objects.filter(case=case).exists()
    assert open_task(case, "handle")


def test_only_a_member_of_the_summoned_department_may_report_in(client, district, depts, summoned):
    task = joint_task(summoned, "report_in", depts.police)
    for outsider in (depts.housing_liaison, district.street_staff, depts.director):
        client.force_login(outsider)
        assert client.post(task_url(task, "assign")).status_code == 403
    task.refresh_from_db()
    assert task.owner is None

    # Claimed by the police, the task cannot be performed by anyone else.
    client.force_login(depts.police_liaison)
    assert client.post(task_url(task, "assign")).status_code == 302
    client.force_login(depts.housing_liaison)
    response = client.post(task_url(task, "execute"), {"opinion": "越权意见"})
    assert response.status_code == 403
    summons = DepartmentSummons.objects.get(consultation__case=summoned, department=depts.police)
    assert summons.reported_at is None and summons.opinion == ""


def test_a_second_claim_of_a_report_in_task_is_refused_politely(client, depts, summoned):
    colleague = staff("police-2", depts.police, Role.DEPARTMENT_LIAISON)
    task = joint_task(summoned, "report_in", depts.police)
    client.force_login(depts.police_liaison)
    assert client.post(task_url(task, "assign")).status_code == 302
    client.force_login(colleague)
    response = client.post(task_url(task, "assign"))
    assert response.status_code == 302 and response.url == reverse("jointconsultation:index")
    task.refresh_from_db()
    assert task.owner == depts.police_liaison


def test_report_in_without_an_opinion_is_a_form_error(client, depts, summoned):
    response = report_in(client, depts.police_liaison, summoned, depts.police, "  ")
    assert response.status_code == 200
    assert "opinion" in response.context["form"].errors
    assert joint_task(summoned, "report_in", depts.police).status != STATUS.DONE


def test_join_waits_for_every_department_then_the_handler_makes_the_joint_plan_and_handling_resumes(
    client, district, depts, summoned
):
    response = report_in(client, depts.police_liaison, summoned, depts.police, "由派出所出警调查")
    assert response.status_code == 302
    # A summoned department sees the case while the consultation is open (issue 5).
    assert response.url == f"/cases/{summoned.pk}/"
    assert not joint_tasks(summoned, "joint_plan")
    assert open_task(summoned, "await_diagnosis")

    response = report_in(client, depts.housing_liaison, summoned, depts.housing, "安排房屋鉴定")
    assert response.status_code == 302
    plan = joint_task(summoned, "joint_plan")

    client.force_login(district.street_staff)
    assert client.post(task_url(plan, "assign")).status_code == 302
    page = client.get(task_url(plan, "execute"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "由派出所出警调查" in content and "安排房屋鉴定" in content
    assert summoned.number in content

    response = client.post(task_url(plan, "execute"), {"plan": "先鉴定后调解，公安配合"})
    assert response.status_code == 302
    assert response.url == f"/cases/{summoned.pk}/"
    consultation = JointConsultation.objects.get(case=summoned)
    assert consultation.planned_at is not None and consultation.plan == "先鉴定后调解，公安配合"
    assert JointProcess.objects.get(consultation=consultation).status == PROCESS.DONE
    assert open_task(summoned, "handle").status == STATUS.NEW
    summoned.refresh_from_db()
    assert summoned.status == CaseStatus.MEDIATING
    actions = list(summoned.events.values_list("action", flat=True))
    assert actions.count(AuditAction.JOINT_REPORTED_IN) == 2
    assert AuditAction.JOINT_PLANNED in actions


def test_joint_plan_without_text_is_a_form_error_and_the_consultation_stays_open(
    client, district, depts, summoned
):
    report_in(client, depts.police_liaison, summoned, depts.police, "意见一")
    report_in(client, depts.housing_liaison, summoned, depts.housing, "意见二")
    response = do(client, district.street_staff, joint_task(summoned, "joint_plan"), {"plan": ""})
    assert response.status_code == 200
    assert "plan" in response.context["form"].errors
    assert JointConsultation.objects.get(case=summoned).is_open
    assert open_task(summoned, "await_diagnosis")


def test_missed_report_in_deadline_escalates_to_the_district_director(
    client, district, depts, summoned
):
    report_in(client, depts.police_liaison, summoned, depts.police, "由派出所出警调查")
    escalate_housing(summoned, depts)

    summons = DepartmentSummons.objects.get(consultation__case=summoned, department=depts.housing)
    assert summons.escalated_at is not None and summons.reported_at is None
    assert not joint_tasks(summoned, "report_in")
    assert summoned.events.filter(action=AuditAction.JOINT_ESCALATED).exists()
    notice = Notification.objects.get(organisation=district.district, case=summoned)
    assert depts.housing.name in notice.text

    decide = joint_task(summoned, "director_decides", depts.housing)
    for outsider in (district.street_staff, depts.housing_liaison, district.centre_staff):
        client.force_login(outsider)
        assert client.post(task_url(decide, "assign")).status_code == 403
    client.force_login(depts.director)
    assert client.post(task_url(decide, "assign")).status_code == 302
    page = client.get(task_url(decide, "execute"))
    assert page.status_code == 200 and depts.housing.name in page.content.decode()
    assert not joint_tasks(summoned, "joint_plan")


def test_director_extends_the_deadline_and_the_department_reports_in_late(
    client, district, depts, summoned
):
    report_in(client, depts.police_liaison, summoned, depts.police, "由派出所出警调查")
    moment = escalate_housing(summoned, depts)
    with time_machine.travel(moment, tick=False):
        new_date = timezone.localdate() + datetime.timedelta(days=2)
        decide = joint_task(summoned, "director_decides", depts.housing)
        response = do(
            client, depts.director, decide, {"decision": "extend", "due_on": new_date.isoformat()}
        )
        assert response.status_code == 302
        summons = DepartmentSummons.objects.get(pk=_summons_pk(summoned, depts.housing))
        assert summons.due_on == new_date and summons.extensions == 1
        assert Notification.objects.filter(organisation=depts.housing, text__contains=str(new_date))

        response = report_in(client, depts.housing_liaison, summoned, depts.housing, "补充意见")
        assert response.status_code == 302
    summons.refresh_from_db()
    assert summons.opinion == "补充意见" and not summons.answered_by_director
    assert summoned.events.filter(action=AuditAction.JOINT_EXTENDED).exists()
    assert joint_task(summoned, "joint_plan")


def test_the_extended_date_passing_escalates_again(client, district, depts, summoned):
    report_in(client, depts.police_liaison, summoned, depts.police, "意见")
    moment = escalate_housing(summoned, depts)
    with time_machine.travel(moment, tick=False):
        decide = joint_task(summoned, "director_decides", depts.housing)
        new_date = timezone.localdate() + datetime.timedelta(days=1)
        do(client, depts.director, decide, {"decision": "extend", "due_on": new_date.isoformat()})
    escalate_housing(summoned, depts)
    assert joint_task(summoned, "director_decides", depts.housing)
    assert summoned.events.filter(action=AuditAction.JOINT_ESCALATED).count() == 2


def test_director_answers_for_the_department(client, district, depts, summoned):
    report_in(client, depts.police_liaison, summoned, depts.police, "由派出所出警调查")
    moment = escalate_housing(summoned, depts)
    with time_machine.travel(moment, tick=False):
        decide = joint_task(summoned, "director_decides", depts.housing)
        response = do(client, depts.director, decide, {"decision": "answer", "opinion": ""})
        assert response.status_code == 200
        assert "opinion" in response.context["form"].errors

        response = client.post(
            task_url(decide, "execute"), {"decision": "answer", "opinion": "由中心协调住建局鉴定"}
        )
        assert response.status_code == 302
    summons = DepartmentSummons.objects.get(pk=_summons_pk(summoned, depts.housing))
    assert summons.answered_by_director and summons.reported_by == depts.director
    assert summons.opinion == "由中心协调住建局鉴定"
    assert summoned.events.filter(action=AuditAction.JOINT_ANSWERED).exists()
    assert joint_task(summoned, "joint_plan")


def test_case_page_lists_each_departments_open_report_in_task(client, district, depts, summoned):
    client.force_login(district.street_staff)
    page = client.get(f"/cases/{summoned.pk}/")
    entries = {task.title: task for task in page.context["open_tasks"]}
    for department in (depts.police, depts.housing):
        (entry,) = [e for title, e in entries.items() if department.name in title]
        assert entry.due == deadlines.end_of_day(in_days(3)) and not entry.overdue


def test_consultation_lists_open_for_the_department_and_hide_other_consultations(
    client, district, depts, summoned
):
    process_pk = joint_task(summoned, "report_in", depts.police).process_id
    client.force_login(depts.police_liaison)
    for name in ("index", "process_list", "task_list", "inbox", "queue", "archive", "chart"):
        assert client.get(reverse(f"jointconsultation:{name}")).status_code == 200, name
    detail = reverse("jointconsultation:process_detail", args=[process_pk])
    assert client.get(detail).status_code == 200
    listed = client.get(reverse("jointconsultation:process_list")).context["object_list"]
    assert [p.pk for p in listed] == [process_pk]

    client.force_login(district.other_street_staff)
    assert not client.get(reverse("jointconsultation:process_list")).context["object_list"]
    assert client.get(detail).status_code in (403, 404)


def _summons_pk(case, department):
    return DepartmentSummons.objects.get(consultation__case=case, department=department).pk


def report_in_at_once(posts) -> tuple[list, list]:
    """Each ``(user, execute_url)`` submits its opinion in its own thread at the same moment."""
    barrier = threading.Barrier(len(posts))
    statuses, errors = [], []

    def report(user, url):
        try:
            own = Client()
            own.force_login(user)
            barrier.wait()
            statuses.append(own.post(url, {"opinion": "同时报到"}).status_code)
        except Exception as exc:  # surfaced by the caller; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
)
def test_both_branches_completed_at_once_join_exactly_once_pg(district, depts):
    client = Client()
    for _ in range(20):
        case = case_in_mediation(client, district)
        assert summon(client, district, case, [depts.police, depts.housing]).status_code == 302
        posts = []
        for user, department in (
            (depts.police_liaison, depts.police),
            (depts.housing_liaison, depts.housing),
        ):
            task = joint_task(case, "report_in", department)
            client.force_login(user)
            assert client.post(task_url(task, "assign")).status_code == 302
            posts.append((user, task_url(task, "execute")))

        statuses, errors = report_in_at_once(posts)
        assert not errors, errors
        assert statuses == [302, 302]
        process = JointProcess.objects.get(consultation__case=case)
        joins = Task.objects.filter(process=process, flow_task=JointConsultationFlow.join)
        assert joins.count() == 1 and joins.get().status == STATUS.DONE
        assert len(joint_tasks(case, "joint_plan")) == 1
        assert len(joint_tasks(case, "report_in", statuses=(STATUS.DONE,))) == 2
