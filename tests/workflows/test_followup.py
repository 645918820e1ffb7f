"""复诊 follow-up: a closed case is visited again, and a recurred dispute opens a new case."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation import deadlines, services
from mediation.models import AuditAction, Case, CaseStatus, PartyRole, PersonKind, ReturnVisit
from tests.factories import make_id_number, natural, report_case
from workflows.flows import CaseLoopFlow
from workflows.followup import FollowUpFlow
from workflows.models import FollowUpProcess
from workflows.timers import fire_flow_timers

from .helpers import OPEN, close_case, task_url

pytestmark = pytest.mark.django_db


def _parties():
    return [
        natural("张三", PartyRole.APPLICANT, id_number=make_id_number()),
        services.PartyInput(
            role=PartyRole.RESPONDENT,
            person=services.PersonInput(kind=PersonKind.NATURAL, name="李四"),
            agent=services.PersonInput(kind=PersonKind.NATURAL, name="李小四", phone="13900139000"),
            agent_relation="儿子",
        ),
    ]


def _close(client, district, django_capture_on_commit_callbacks) -> Case:
    case = report_case(
        handling_org=district.street, actor=district.street_staff, parties=_parties()
    )
    # The return visit is scheduled once the closing has committed.
    with django_capture_on_commit_callbacks(execute=True):
        close_case(client, district, case)
    return case


@pytest.fixture
def closed_case(client, district, django_capture_on_commit_callbacks):
    return _close(client, district, django_capture_on_commit_callbacks)


def _visit_task(case):
    return Task.objects.filter(
        process__followupprocess__visit__case=case, flow_task=FollowUpFlow.visit, status__in=OPEN
    ).first()


def _when_due(case):
    due_on = ReturnVisit.objects.get(case=case).due_on
    start = timezone.make_aware(datetime.datetime.combine(due_on, datetime.time()))
    return start + datetime.timedelta(minutes=1)


def _visit_is_due(case):
    with time_machine.travel(_when_due(case)):
        fire_flow_timers()
    task = _visit_task(case)
    assert task is not None
    return task


def _perform_visit(client, user, case, data):
    task = _visit_is_due(case)
    client.force_login(user)
    assert client.post(task_url(task, "assign")).status_code == 302
    return client.post(task_url(task, "execute"), data)


def test_closing_a_case_schedules_a_return_visit_30_days_later(closed_case):
    visit = ReturnVisit.objects.get(case=closed_case)
    closed_on = timezone.localdate(closed_case.closed_at)
    assert visit.due_on == deadlines.return_visit_date(closed_on)
    assert visit.due_on >= closed_on + datetime.timedelta(days=30)
    assert closed_case.events.filter(action=AuditAction.RETURN_VISIT_SCHEDULED).exists()
    process = FollowUpProcess.objects.get(visit=visit)
    timer = Task.objects.get(process=process, flow_task=FollowUpFlow.wait)
    assert timer.status == STATUS.SCHEDULED
    assert timezone.localdate(timer.scheduled) == visit.due_on


def test_return_visit_delay_is_configurable(
    client, district, settings, django_capture_on_commit_callbacks
):
    settings.MEDIATION = {**settings.MEDIATION, "RETURN_VISIT_DAYS": 10}
    case = _close(client, district, django_capture_on_commit_callbacks)
    closed_on = timezone.localdate(case.closed_at)
    due_on = ReturnVisit.objects.get(case=case).due_on
    assert due_on == deadlines.add_calendar_days(closed_on, 10)
    assert due_on < closed_on + datetime.timedelta(days=30)


def test_return_visit_task_appears_when_the_timer_fires(client, district, closed_case):
    fire_flow_timers()
    assert _visit_task(closed_case) is None

    task = _visit_is_due(closed_case)
    assert task.status == STATUS.NEW
    client.force_login(district.street_staff)
    page = client.get(f"/cases/{closed_case.pk}/")
    assert task_url(task, "assign") in page.content.decode()


def test_stable_return_visit_ends_the_follow_up(client, district, closed_case):
    response = _perform_visit(
        client, district.street_staff, closed_case, {"result": "stable", "notes": "双方相安无事"}
    )
    assert response.status_code == 302
    visit = ReturnVisit.objects.get(case=closed_case)
    assert visit.result == "stable" and visit.visitor == district.street_staff
    assert visit.new_case is None
    assert FollowUpProcess.objects.get(visit=visit).status == PROCESS.DONE
    assert closed_case.events.filter(action=AuditAction.RETURN_VISIT_DONE).exists()
    assert not Case.objects.filter(reopened_from=closed_case).exists()


def test_recurred_return_visit_opens_a_linked_case_with_the_same_parties(
    client, district, closed_case
):
    # The case's mediator may make the visit too.
    response = _perform_visit(
        client,
        district.grid_worker,
        closed_case,
        {"result": "recurred", "notes": "楼上再次漏水，双方又起争执。"},
    )
    assert response.status_code == 302
    visit = ReturnVisit.objects.get(case=closed_case)
    new = Case.objects.get(reopened_from=closed_case)
    assert visit.result == "recurred" and visit.new_case == new
    assert new.status == CaseStatus.REPORTED and new.channel == closed_case.channel
    assert new.centre == closed_case.centre and new.handling_org == closed_case.handling_org
    assert closed_case.title in new.title and new.title != closed_case.title

    def parties(case):
        return list(
            case.parties.order_by("id").values_list(
                "role", "person_id", "agent_id", "agent_relation"
            )
        )

    assert parties(new) == parties(closed_case)
    for case in (closed_case, new):
        assert case.events.filter(action=AuditAction.CASE_REOPENED).exists()
    review = Task.objects.get(process__caseprocess__case=new, flow_task=CaseLoopFlow.review)
    assert review.status == STATUS.NEW
    assert FollowUpProcess.objects.get(visit=visit).status == PROCESS.DONE


def test_recurred_visit_without_notes_is_a_form_error_and_nothing_changes(
    client, district, closed_case
):
    response = _perform_visit(client, district.street_staff, closed_case, {"result": "recurred"})
    assert response.status_code == 200
    assert response.context["form"].errors["notes"]
    visit = ReturnVisit.objects.get(case=closed_case)
    assert visit.visited_at is None and not visit.result
    assert not Case.objects.filter(reopened_from=closed_case).exists()
    assert _visit_task(closed_case) is not None


def test_staff_of_another_street_may_not_make_the_return_visit(client, district, closed_case):
    task = _visit_is_due(closed_case)
    client.force_login(district.other_street_staff)
    # Another street does not see the case: its task is not found (404).
    assert client.post(task_url(task, "assign")).status_code == 404
    task.refresh_from_db()
    assert task.owner is None


def test_follow_up_pages_open_and_list_only_visible_cases(client, district, closed_case):
    process = FollowUpProcess.objects.get(visit__case=closed_case)
    client.force_login(district.street_staff)
    for name in ("index", "process_list", "task_list", "queue"):
        assert client.get(FollowUpFlow.instance.reverse(name)).status_code == 200, name
    listed = client.get(FollowUpFlow.instance.reverse("process_list")).context["object_list"]
    assert process in listed

    client.force_login(district.other_street_staff)
    listed = client.get(FollowUpFlow.instance.reverse("process_list")).context["object_list"]
    assert process not in listed
    detail = FollowUpFlow.instance.reverse("process_detail", args=[process.pk])
    assert client.get(detail).status_code in (403, 404)


def test_return_visit_page_shows_the_case(client, district, closed_case):
    task = _visit_is_due(closed_case)
    client.force_login(district.street_staff)
    client.post(task_url(task, "assign"))
    page = client.get(task_url(task, "execute"))
    assert page.status_code == 200
    assert closed_case.number in page.content.decode()
