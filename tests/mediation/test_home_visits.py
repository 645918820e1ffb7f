"""Arranging a home visit for a party who cannot easily come in (问诊)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mediation import services
from mediation.models import AuditAction, HomeVisit
from tests.factories import report_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    services.case_accept(case=case, actor=district.street_staff, tier="medium")
    return case


def test_handler_arranges_a_home_visit_from_the_case_page(client, district, case):
    client.force_login(district.street_staff)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert reverse("cases:home_visit", args=[case.pk]) in page.content.decode()
    party = case.parties.first()
    visit_on = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(
        reverse("cases:home_visit", args=[case.pk]),
        {
            "party": party.pk,
            "visit_on": visit_on,
            "address": "新园社区3栋",
            "purpose": "上门听取诉求",
        },
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get(case=case)
    assert visit.party == party and visit.visit_on == visit_on
    assert case.events.filter(action=AuditAction.HOME_VISIT_SCHEDULED).exists()
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "新园社区3栋" in page.content.decode()


def test_a_visit_in_the_past_is_a_form_error_and_nothing_is_saved(client, district, case):
    client.force_login(district.street_staff)
    response = client.post(
        reverse("cases:home_visit", args=[case.pk]),
        {
            "party": case.parties.first().pk,
            "visit_on": timezone.localdate() - datetime.timedelta(days=1),
            "address": "新园社区3栋",
            "purpose": "上门",
        },
    )
    assert response.status_code == 200
    assert "visit_on" in response.context["form"].errors
    assert not HomeVisit.objects.exists()


def test_staff_of_another_street_cannot_arrange_a_visit(client, district, case):
    client.force_login(district.other_street_staff)
    response = client.get(reverse("cases:home_visit", args=[case.pk]))
    assert response.status_code == 404
    assert not HomeVisit.objects.exists()


def test_one_who_sees_the_case_but_does_not_handle_it_is_refused(client, district, case):
    # District staff see the street's cases, but the street centre handles this one.
    client.force_login(district.centre_staff)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:home_visit", args=[case.pk])).status_code == 403
    assert not HomeVisit.objects.exists()
