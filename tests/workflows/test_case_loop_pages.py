"""The loop's pages: the case page lists open tasks; queues show only visible cases."""

import pytest
from django.urls import reverse

from tests.factories import report_case

from .helpers import claim, open_task, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    return report_case(handling_org=district.street, actor=district.street_staff)


def test_case_page_links_the_open_task_to_whoever_may_take_it(client, district, case):
    client.force_login(district.street_staff)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    task = open_task(case, "review")
    assert task_url(task, "assign") in page.content.decode()

    client.force_login(district.centre_staff)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert task_url(task, "assign") not in page.content.decode()


def test_menu_leads_staff_to_their_tasks(client, district, case):
    client.force_login(district.street_staff)
    page = client.get(reverse("cases:list"))
    # The menu leads to the one queue of every flow; the loop's own lists still open.
    assert reverse("tasks:queue") in page.content.decode()
    assert client.get(reverse("caseloop:queue")).status_code == 200
    claim(client, district.street_staff, case, "review")
    inbox = client.get(reverse("caseloop:inbox"))
    assert inbox.status_code == 200
    assert open_task(case, "review") in inbox.context["object_list"]


def test_queue_shows_only_cases_the_user_may_see(client, district, case):
    task = open_task(case, "review")
    client.force_login(district.street_staff)
    assert task in client.get(reverse("caseloop:queue")).context["object_list"]
    client.force_login(district.other_street_staff)
    assert task not in client.get(reverse("caseloop:queue")).context["object_list"]
    assert client.get(task_url(task, "detail")).status_code == 404
