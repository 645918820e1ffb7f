"""巡诊 patrol: scheduled and ad-hoc rounds, worked through their pages by the right people."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import (
    AuditAction,
    AuditEvent,
    Case,
    Channel,
    PatrolFinding,
    PatrolKind,
    PatrolRound,
    PatrolSchedule,
    Role,
)
from tests.factories import staff
from workflows.flows import CaseLoopFlow
from workflows.models import PatrolProcess, PatrolScheduleProcess
from workflows.patrol import PatrolFlow, PatrolScheduleFlow
from workflows.timers import fire_flow_timers

from .helpers import OPEN, task_url

pytestmark = pytest.mark.django_db


def _set_schedule(client, user, community, *, every_days=7, next_due=None, active=True):
    client.force_login(user)
    data = {"community": community.pk, "every_days": every_days}
    if next_due:
        data["next_due"] = next_due.isoformat()
    if active:
        data["active"] = "on"
    return client.post(reverse("patrol:schedules"), data)


def _start_ad_hoc(client, user, community):
    client.force_login(user)
    return client.post(reverse("patrol:ad_hoc"), {"community": community.pk})


def _record_task(patrol_round):
    return Task.objects.get(
        process__patrolprocess__round=patrol_round, flow_task=PatrolFlow.record, status__in=OPEN
    )


def _findings_data(notes, findings):
    data = {
        "notes": notes,
        "findings-TOTAL_FORMS": str(len(findings)),
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
    }
    for index, finding in enumerate(findings):
        data.update({f"findings-{index}-{key}": value for key, value in finding.items()})
    return data


def _record(client, user, patrol_round, notes, findings):
    task = _record_task(patrol_round)
    client.force_login(user)
    assert client.post(task_url(task, "assign")).status_code == 302
    return client.post(task_url(task, "execute"), _findings_data(notes, findings))


@pytest.fixture
def ad_hoc_round(client, district):
    assert _start_ad_hoc(client, district.street_staff, district.community).status_code == 302
    return PatrolRound.objects.get(community=district.community)


CASE_FINDING = {
    "description": "3号楼两户因占用楼道堆放杂物发生争吵",
    "location": "新园社区3号楼2单元",
    "open_case": "on",
    "dispute_type": "neighbour",
    "applicant_name": "王五",
    "applicant_phone": "13700137000",
    "respondent_name": "赵六",
}


def test_scheduled_patrol_round_opens_when_due_and_the_next_is_scheduled(client, district):
    due = timezone.localdate() + datetime.timedelta(days=3)
    response = _set_schedule(client, district.street_staff, district.community, next_due=due)
    assert response.status_code == 302
    schedule = PatrolSchedule.objects.get(community=district.community)
    process = PatrolScheduleProcess.objects.get(schedule=schedule)

    fire_flow_timers()
    assert not PatrolRound.objects.exists()

    start_of_due_day = timezone.make_aware(datetime.datetime.combine(due, datetime.time()))
    with time_machine.travel(start_of_due_day + datetime.timedelta(minutes=1)):
        fire_flow_timers()

    patrol_round = PatrolRound.objects.get(community=district.community)
    assert patrol_round.kind == PatrolKind.SCHEDULED and patrol_round.planned_for == due
    assert _record_task(patrol_round).status == STATUS.NEW
    schedule.refresh_from_db()
    assert schedule.next_due == due + datetime.timedelta(days=7)
    timer = Task.objects.get(
        process=process, flow_task=PatrolScheduleFlow.wait, status=STATUS.SCHEDULED
    )
    assert timezone.localdate(timer.scheduled) == schedule.next_due
    assert PatrolScheduleProcess.objects.get(pk=process.pk).status == PROCESS.NEW


def test_a_stopped_schedule_opens_no_round_and_ends(client, district):
    due = timezone.localdate() + datetime.timedelta(days=2)
    _set_schedule(client, district.street_staff, district.community, next_due=due)
    response = _set_schedule(client, district.street_staff, district.community, active=False)
    assert response.status_code == 302

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        fire_flow_timers()

    assert not PatrolRound.objects.exists()
    process = PatrolScheduleProcess.objects.get(schedule__community=district.community)
    assert process.status == PROCESS.DONE


def test_patrol_finding_opens_a_case_with_channel_patrol_linked_to_the_round(
    client, district, ad_hoc_round
):
    # A grid worker under the community records the round.
    response = _record(
        client,
        district.grid_worker,
        ad_hoc_round,
        "走访两个小区，总体平稳。",
        [CASE_FINDING, {"description": "广场舞噪音，居民有意见", "location": "中心广场"}],
    )
    assert response.status_code == 302
    ad_hoc_round.refresh_from_db()
    assert ad_hoc_round.recorded_at is not None and ad_hoc_round.patroller == district.grid_worker
    with_case, without_case = PatrolFinding.objects.filter(round=ad_hoc_round).order_by("id")
    assert without_case.case is None
    case = with_case.case
    assert case.channel == Channel.PATROL and case.handling_org == district.community
    assert case.location == CASE_FINDING["location"]
    assert sorted(case.parties.values_list("person__name", flat=True)) == ["王五", "赵六"]
    review = Task.objects.get(process__caseprocess__case=case, flow_task=CaseLoopFlow.review)
    assert review.status == STATUS.NEW
    assert PatrolProcess.objects.get(round=ad_hoc_round).status == PROCESS.DONE
    recorded = AuditEvent.objects.get(action=AuditAction.PATROL_ROUND_RECORDED)
    assert recorded.data["cases"] == [case.number] and recorded.data["findings"] == 2


def test_ad_hoc_round_only_for_staff_of_the_community_or_above(client, district):
    committee_staff = staff("xy-staff", district.community, Role.COMMITTEE_STAFF)
    for outsider in (district.grid_worker, district.other_street_staff):
        client.force_login(outsider)
        assert client.get(reverse("patrol:ad_hoc")).status_code == 403
        assert _start_ad_hoc(client, outsider, district.community).status_code == 403
    assert not PatrolRound.objects.exists()

    for insider in (committee_staff, district.street_staff, district.centre_staff):
        assert _start_ad_hoc(client, insider, district.community).status_code == 302
    rounds = PatrolRound.objects.filter(community=district.community, kind=PatrolKind.AD_HOC)
    assert rounds.count() == 3
    assert all(_record_task(r).status == STATUS.NEW for r in rounds)


def test_finding_without_description_is_a_form_error_and_nothing_is_saved(
    client, district, ad_hoc_round
):
    response = _record(
        client, district.street_staff, ad_hoc_round, "", [CASE_FINDING, {"location": "东门"}]
    )
    assert response.status_code == 200
    assert response.context["findings"].forms[1].errors["description"]
    ad_hoc_round.refresh_from_db()
    assert ad_hoc_round.recorded_at is None
    assert not PatrolFinding.objects.exists()
    assert not Case.objects.exists()
    assert _record_task(ad_hoc_round).status != STATUS.DONE


def test_finding_that_opens_a_case_needs_its_parties_and_nothing_is_saved(
    client, district, ad_hoc_round
):
    finding = {**CASE_FINDING, "applicant_name": "", "respondent_name": ""}
    response = _record(client, district.street_staff, ad_hoc_round, "", [finding])
    assert response.status_code == 200
    errors = response.context["findings"].forms[0].errors
    assert errors["applicant_name"] and errors["respondent_name"]
    assert not PatrolFinding.objects.exists() and not Case.objects.exists()


def test_staff_of_another_street_may_not_record_the_round(client, district, ad_hoc_round):
    task = _record_task(ad_hoc_round)
    client.force_login(district.other_street_staff)
    # Another street does not see the round: its task is not found (404).
    assert client.post(task_url(task, "assign")).status_code == 404


def test_patrol_pages_list_only_the_rounds_the_user_may_see(client, district, ad_hoc_round):
    client.force_login(district.grid_worker)
    page = client.get(reverse("patrol:rounds"))
    assert page.status_code == 200
    assert ad_hoc_round in page.context["rounds"]
    assert task_url(_record_task(ad_hoc_round), "assign") in page.content.decode()
    for name in ("index", "process_list", "task_list", "queue"):
        assert client.get(PatrolFlow.instance.reverse(name)).status_code == 200, name
    assert client.get(reverse("patrol:schedules")).status_code == 403

    client.force_login(district.other_street_staff)
    assert ad_hoc_round not in client.get(reverse("patrol:rounds")).context["rounds"]
    listed = client.get(PatrolFlow.instance.reverse("process_list")).context["object_list"]
    assert not list(listed)


def test_patrol_forms_open_for_the_people_they_are_meant_for(client, district, ad_hoc_round):
    client.force_login(district.street_staff)
    for name in ("patrol:ad_hoc", "patrol:schedules"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert district.community in page.context["form"].fields["community"].queryset

    task = _record_task(ad_hoc_round)
    client.force_login(district.grid_worker)
    client.post(task_url(task, "assign"))
    page = client.get(task_url(task, "execute"))
    assert page.status_code == 200
    assert district.community.name in page.content.decode()
    assert "findings-TOTAL_FORMS" in page.content.decode()
