"""Every page of the loop opens for the person it is meant for."""

import pytest
from django.urls import reverse

from mediation.models import Outcome, Role
from tests.factories import report_case, staff

from .helpers import claim, open_task, perform, task_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    return report_case(handling_org=district.street, actor=district.street_staff)


def _form_page(client, user, case, name):
    assert claim(client, user, case, name).status_code == 302
    page = client.get(task_url(open_task(case, name), "execute"))
    assert page.status_code == 200
    assert case.number in page.content.decode()
    return page


def test_each_step_shows_its_form_with_the_case(client, district, case):
    _form_page(client, district.street_staff, case, "review")
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "medium"})
    _form_page(client, district.street_staff, case, "dispatch")
    perform(client, district.street_staff, case, "dispatch", {"organisation": district.street.pk})
    _form_page(client, district.street_staff, case, "start_mediation")
    perform(client, district.street_staff, case, "start_mediation", {})
    _form_page(client, district.street_staff, case, "handle")
    perform(
        client,
        district.street_staff,
        case,
        "handle",
        {"step": "outcome", "outcome": Outcome.AGREEMENT, "summary": "双方当场和解"},
    )
    colleague = staff("th-verifier", district.street, Role.CENTRE_STAFF)
    page = _form_page(client, colleague, case, "verify")
    assert "双方当场和解" in page.content.decode()


def test_loop_lists_open_for_staff_and_hide_other_streets_cases(client, district, case):
    process_pk = open_task(case, "review").process_id
    client.force_login(district.street_staff)
    for name in ("index", "process_list", "task_list", "inbox", "queue", "archive", "chart"):
        assert client.get(reverse(f"caseloop:{name}")).status_code == 200, name
    for name in ("inbox", "queue", "archive"):
        assert client.get(reverse(f"tasks:{name}")).status_code == 200, name
    assert client.get(reverse("caseloop:process_detail", args=[process_pk])).status_code == 200

    board = client.get(reverse("caseloop:index")).context["columns"]
    assert open_task(case, "review") in [t for column in board for t in column["tasks"]]

    client.force_login(district.other_street_staff)
    board = client.get(reverse("caseloop:index")).context["columns"]
    assert not [t for column in board for t in column["tasks"]]
    listed = client.get(reverse("caseloop:process_list")).context["object_list"]
    assert process_pk not in [process.pk for process in listed]
    assert client.get(reverse("caseloop:process_detail", args=[process_pk])).status_code == 404
