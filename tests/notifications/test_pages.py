"""Staff see their notifications on the site, and the menu counts the unread ones."""

import pytest
from django.urls import reverse

from mediation.models import Role
from tests.factories import report_case, staff

pytestmark = pytest.mark.django_db


def test_the_centre_sees_the_new_task_on_its_page_and_an_unread_count_in_the_menu(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    client.force_login(district.street_staff)
    html = client.get(reverse("cases:notifications")).content.decode()
    assert case.number in html and "Accept and review" in html
    assert 'mp-badge">1</span>' in client.get(reverse("cases:list")).content.decode()

    client.post(reverse("cases:notifications_read"))
    assert "mp-badge" not in client.get(reverse("cases:list")).content.decode()


def test_another_street_does_not_see_the_notice(client, district):
    report_case(handling_org=district.street, actor=district.street_staff)
    client.force_login(district.other_street_staff)
    response = client.get(reverse("cases:notifications"))
    assert list(response.context["notifications"]) == []
    assert "mp-badge" not in response.content.decode()


def test_a_mediator_posted_at_the_centre_does_not_see_its_notice_of_a_case_not_theirs(
    client, district
):
    mediator = staff("th-mediator", district.street, Role.MEDIATOR)
    case = report_case(handling_org=district.street, actor=district.street_staff)
    client.force_login(mediator)
    html = client.get(reverse("cases:notifications")).content.decode()
    assert case.number not in html and "mp-badge" not in html
