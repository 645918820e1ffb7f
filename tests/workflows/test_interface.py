"""The staff interface of the flows, used through the web by the people it serves."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mediation import deadlines, services_handling
from mediation.models import Notification, PartyRole, SpecialGroup
from tests.factories import natural, report_case

from .helpers import claim, open_task, perform, task_url
from .helpers_joint import case_in_mediation, in_days, joint_tasks, make_departments, summon

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    return report_case(handling_org=district.street, actor=district.street_staff)


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _node(html: str, name: str) -> str:
    """The opening tag of the chart node ``name``."""
    match = re.search(rf'<g [^>]*data-node="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


def test_case_page_draws_the_case_loop_chart_with_where_the_case_stands(client, district, case):
    html = _page(client, district.street_staff, reverse("cases:detail", args=[case.pk]))

    assert '<svg xmlns="http://www.w3.org/2000/svg" class="mp-chart" viewBox=' in html
    assert 'class="new"' in _node(html, "review")
    assert "class=" not in _node(html, "dispatch")
    assert reverse("caseloop:process_detail", args=[open_task(case, "review").process_id]) in html


def test_case_page_draws_every_flow_working_on_the_case(client, district):
    depts = make_departments(district)
    case = case_in_mediation(client, district)
    summon(client, district, case, [depts.police], due_on=in_days(3))

    html = _page(client, district.street_staff, reverse("cases:detail", args=[case.pk]))

    assert html.count('class="mp-chart"') == 2
    assert 'class="new"' in _node(html, "report_in")


def test_overdue_open_task_is_shown_red_on_the_case_page(client, district, case):
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "medium"})
    perform(client, district.street_staff, case, "dispatch", {"organisation": district.street.pk})
    case.refresh_from_db()
    url = reverse("cases:detail", args=[case.pk])

    html = _page(client, district.street_staff, url)
    assert "mp-row--overdue" not in html
    assert "overdue" not in _node(html, "start_mediation")

    with time_machine.travel(deadlines.end_of_day(case.due_at) + datetime.timedelta(hours=1)):
        html = _page(client, district.street_staff, url)

    row = re.search(r'<tr class="mp-row--overdue">.*?</tr>', html, re.S)
    assert row and "mp-overdue__label" in row.group(0)
    assert case.due_at.strftime("%Y-%m-%d") in row.group(0)
    assert "overdue" in _node(html, "start_mediation")


def test_unified_queue_lists_a_priority_case_before_an_older_ordinary_one(client, district, case):
    elderly = natural("王奶奶", PartyRole.APPLICANT, special_groups=[SpecialGroup.ELDERLY])
    priority = report_case(
        handling_org=district.street,
        actor=district.street_staff,
        parties=[elderly, natural("李四", PartyRole.RESPONDENT)],
    )
    assert priority.is_priority and not case.is_priority

    client.force_login(district.street_staff)
    listed = list(client.get(reverse("tasks:queue")).context["object_list"])

    assert listed.index(open_task(priority, "review")) < listed.index(open_task(case, "review"))


def test_unified_queue_gathers_the_tasks_of_every_flow(client, district):
    depts = make_departments(district)
    case = case_in_mediation(client, district)
    summon(client, district, case, [depts.police], due_on=in_days(3))

    client.force_login(depts.police_liaison)
    listed = list(client.get(reverse("tasks:queue")).context["object_list"])

    assert [task.pk for task in joint_tasks(case, "report_in")] == [task.pk for task in listed]


def test_another_streets_staff_do_not_see_the_tasks_in_their_inbox_or_queue(client, district, case):
    task = open_task(case, "review")
    claim(client, district.street_staff, case, "review")
    assert task in client.get(reverse("tasks:inbox")).context["object_list"]
    other = report_case(handling_org=district.other_street, actor=district.other_street_staff)

    client.force_login(district.other_street_staff)
    queue = list(client.get(reverse("tasks:queue")).context["object_list"])
    inbox = list(client.get(reverse("tasks:inbox")).context["object_list"])

    assert queue == [open_task(other, "review")]
    assert task not in inbox


def test_brief_column_shows_the_case_number_and_title(client, district, case):
    task = open_task(case, "review")
    for name in ("tasks:queue", "caseloop:queue"):
        html = _page(client, district.street_staff, reverse(name))
        assert case.number in html
        assert case.title in html
        assert f"#{task.process_id}/{task.pk}" not in html


def test_every_flow_page_leads_back_to_the_case_list(client, district, case):
    cases_url = reverse("cases:list")
    for name in ("tasks:inbox", "tasks:queue", "tasks:archive", "caseloop:index"):
        assert f'href="{cases_url}"' in _page(client, district.street_staff, reverse(name)), name
    task_page = task_url(open_task(case, "review"), "detail")
    assert f'href="{cases_url}"' in _page(client, district.street_staff, task_page)


def test_notifications_page_shows_notices_to_the_users_organisation_not_anothers(
    client, district, case
):
    Notification.objects.create(organisation=district.street, case=case, text="本街道的通知")
    Notification.objects.create(organisation=district.other_street, text="别的街道的通知")
    Notification.objects.create(user=district.street_staff, text="给本人的通知")

    html = _page(client, district.street_staff, reverse("cases:notifications"))

    assert "本街道的通知" in html and "给本人的通知" in html
    assert "别的街道的通知" not in html
    assert reverse("cases:detail", args=[case.pk]) in html
    menu = _page(client, district.street_staff, reverse("cases:list"))
    # The two above, and the new task of reviewing the case, told to its street.
    assert re.search(r'mp-badge">3</span>', menu)


def test_marking_a_notification_read_changes_only_that_one(client, district):
    mine = Notification.objects.create(organisation=district.street, text="本街道的通知")
    other = Notification.objects.create(user=district.street_staff, text="给本人的通知")
    client.force_login(district.street_staff)

    response = client.post(reverse("cases:notification_read", args=[mine.pk]))

    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    client.post(reverse("cases:notifications_read"))
    other.refresh_from_db()
    assert other.read_at is not None


def test_a_notification_to_someone_else_cannot_be_marked_read(client, district):
    theirs = Notification.objects.create(organisation=district.other_street, text="别的街道的通知")
    client.force_login(district.street_staff)

    assert client.post(reverse("cases:notification_read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("cases:notification_read", args=[theirs.pk])).status_code == 405
    client.post(reverse("cases:notifications_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_case_page_shows_the_home_visits(client, district, case):
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "medium"})
    party = case.parties.get(role=PartyRole.APPLICANT)
    services_handling.home_visit_schedule(
        case=case,
        actor=district.street_staff,
        party=party,
        visit_on=timezone.localdate() + datetime.timedelta(days=2),
        address="新园社区8栋101室",
        purpose="了解老人诉求",
    )

    html = _page(client, district.street_staff, reverse("cases:detail", args=[case.pk]))

    assert "新园社区8栋101室" in html and "了解老人诉求" in html


def test_flow_menu_counts_only_the_tasks_of_cases_the_user_may_see(client, district):
    report_case(handling_org=district.street, actor=district.street_staff)
    client.force_login(district.other_street_staff)
    page = client.get(reverse("caseloop:queue"))
    assert page.context["user_queue"].count() == 0
    client.force_login(district.street_staff)
    page = client.get(reverse("caseloop:queue"))
    assert page.context["user_queue"].count() == 1


def test_loop_board_cards_show_the_case_number(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    client.force_login(district.street_staff)
    page = client.get(reverse("caseloop:index"))
    assert page.status_code == 200
    assert case.number in page.content.decode()
