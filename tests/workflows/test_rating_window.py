"""The rating step closes by itself seven days after the case closed (考核评价)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import AuditAction, CaseRating
from tests.factories import report_case
from workflows.flows import CaseLoopFlow
from workflows.models import CaseProcess

from .helpers import close_case, perform

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    close_case(client, district, case)
    return case


def _timers(case):
    return Task.objects.filter(
        process__caseprocess__case=case, flow_task=CaseLoopFlow.rate__timeout
    )


def test_rating_step_closes_itself_after_seven_days_without_all_ratings(
    client, district, closed_case
):
    first = closed_case.parties.first()
    perform(client, district.street_staff, closed_case, "rate", {f"stars_{first.pk}": 5})

    call_command("workflow_timers")
    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.NEW

    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        call_command("workflow_timers")

    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.DONE
    rate_task = Task.objects.filter(
        process__caseprocess__case=closed_case, flow_task=CaseLoopFlow.rate
    ).latest("created")
    assert rate_task.status == STATUS.CANCELED
    event = closed_case.events.get(action=AuditAction.CASE_RATING_CLOSED)
    assert event.data["unrated"] == ["李四"]
    assert CaseRating.objects.filter(case=closed_case).count() == 1


def test_the_worker_that_make_run_starts_fires_the_rating_timer(client, district, closed_case):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        call_command("run_worker", "--once")
    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.DONE
    assert closed_case.events.filter(action=AuditAction.CASE_RATING_CLOSED).exists()


def test_the_window_runs_from_closing_not_from_each_rating(client, district, closed_case):
    due = [t.scheduled for t in _timers(closed_case)]
    first = closed_case.parties.first()
    perform(client, district.street_staff, closed_case, "rate", {f"stars_{first.pk}": 4})
    armed = _timers(closed_case).filter(status=STATUS.SCHEDULED)
    assert [t.scheduled for t in armed] == due


def test_all_ratings_in_time_disarm_the_timer(client, district, closed_case):
    for party in closed_case.parties.all():
        perform(client, district.street_staff, closed_case, "rate", {f"stars_{party.pk}": 5})
    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.DONE
    assert not _timers(closed_case).filter(status=STATUS.SCHEDULED).exists()
    assert not closed_case.events.filter(action=AuditAction.CASE_RATING_CLOSED).exists()


def test_one_rating_step_records_every_party_reached(client, district, closed_case):
    first, second = closed_case.parties.all()
    response = perform(
        client,
        district.street_staff,
        closed_case,
        "rate",
        {f"stars_{first.pk}": 5, f"comment_{first.pk}": "满意", f"stars_{second.pk}": 3},
    )
    assert response.status_code == 302
    ratings = dict(CaseRating.objects.filter(case=closed_case).values_list("party", "stars"))
    assert ratings == {first.pk: 5, second.pk: 3}
    assert closed_case.events.filter(action=AuditAction.CASE_RATED).count() == 2
    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.DONE


def test_a_party_not_reached_rates_later_in_the_same_window(client, district, closed_case):
    first, second = closed_case.parties.all()
    perform(client, district.street_staff, closed_case, "rate", {f"stars_{first.pk}": 4})
    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.NEW
    # The step opens again, for the party who has not rated.
    response = perform(client, district.street_staff, closed_case, "rate", {})
    assert f"stars_{first.pk}" not in response.context["form"].fields
    assert f"stars_{second.pk}" in response.context["form"].fields


def test_a_rating_step_without_any_rating_is_refused(client, district, closed_case):
    response = perform(client, district.street_staff, closed_case, "rate", {})
    assert response.status_code == 200
    assert "至少" in response.content.decode() or response.context["form"].non_field_errors()
    assert not CaseRating.objects.filter(case=closed_case).exists()
    assert CaseProcess.objects.get(case=closed_case).status == PROCESS.NEW


def test_a_comment_without_stars_is_refused(client, district, closed_case):
    first = closed_case.parties.first()
    response = perform(
        client, district.street_staff, closed_case, "rate", {f"comment_{first.pk}": "还行"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"stars_{first.pk}"]
    assert not CaseRating.objects.filter(case=closed_case).exists()
