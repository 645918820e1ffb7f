"""A case reported through the API by the 12345 hotline's system (发现上报)."""

import pytest
from django.urls import reverse

from mediation.models import AuditEvent, Case, CaseStatus, Channel

from .conftest import intake_data

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def test_hotline_intake_becomes_a_case_the_street_centre_sees_in_its_list(
    client, district, hotline
):
    response = hotline.post(CASES, intake_data(district))
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number
    assert case.channel == Channel.HOTLINE
    assert case.status == CaseStatus.REPORTED
    assert case.handling_org == district.street and case.grid == district.grid
    assert case.parties.count() == 2
    # Reported by the token's service user, audited as any intake.
    assert case.reported_by == hotline.token.user
    assert AuditEvent.objects.filter(case=case, action="case.reported").exists()
    # The street centre's staff find it in their case list; the other street's do not.
    client.force_login(district.street_staff)
    assert case.number in client.get(reverse("cases:list")).content.decode()
    client.force_login(district.other_street_staff)
    assert case.number not in client.get(reverse("cases:list")).content.decode()
    # The case loop started as for a case typed in on the staff page.
    assert case.loop_process is not None


def test_the_hotline_sees_no_case_afterwards_as_its_staff_see_none(district, hotline):
    created = hotline.post(CASES, intake_data(district)).json()
    assert hotline.get(f"{CASES}{created['id']}/").status_code == 404
    assert hotline.get(CASES).json()["count"] == 0


def test_intake_names_its_channel_among_the_intake_channels(district, hotline):
    response = hotline.post(CASES, intake_data(district, channel="online"))
    assert response.status_code == 201
    assert Case.objects.get(pk=response.json()["id"]).channel == Channel.ONLINE
    refused = hotline.post(CASES, intake_data(district, channel="court"))
    assert refused.status_code == 400
    assert refused.json()["fields"]["channel"][0]["code"] == "invalid_choice"


def test_a_street_centre_token_registers_and_then_reads_its_case(district):
    from .conftest import issue

    street = issue(district.street, "街道网格化系统")
    created = street.post(CASES, intake_data(district, channel="grid")).json()
    detail = street.get(f"{CASES}{created['id']}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["view"] == "full" and body["description"].startswith("市民来电")
    assert {p["name"] for p in body["parties"]} == {"王五", "赵六"}
    # No ID or phone number leaves through the API.
    assert "13800138000" not in detail.content.decode()
