"""A police station's and a petition bureau's systems refer disputes through the API."""

import datetime

import pytest
from django.utils import timezone

from mediation.models import Channel, OrgKind
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from tests.factories import org
from tests.workflows.helpers import perform as perform_loop

from .conftest import issue

pytestmark = pytest.mark.django_db

POLICE = "/api/v1/police-referrals/"
PETITIONS = "/api/v1/petition-referrals/"
PARTIES = [
    {"role": "applicant", "name": "孙七", "phone": "13700137000"},
    {"role": "respondent", "name": "周八", "phone": ""},
]


@pytest.fixture
def station(district):
    return issue(org("jk-pcs-th", OrgKind.POLICE_STATION, district.district, name="太湖派出所"))


@pytest.fixture
def bureau(district):
    return issue(org("jk-xfj", OrgKind.PETITION_BUREAU, district.district, name="信访局"))


def police_data(district, **overrides):
    incident = timezone.now() - datetime.timedelta(hours=2)
    data = {
        "centre": district.street.code,
        "title": "邻里噪音纠纷",
        "account": "110接警：楼上深夜噪音，双方争吵，非警务事项。",
        "dispute_type": "neighbour",
        "location": "太湖路1号",
        "incident_at": incident.isoformat(),
        "parties": PARTIES,
    }
    data.update(overrides)
    return data


def petition_data(district, **overrides):
    data = {
        "centre": district.street.code,
        "petition_number": "经信〔2026〕88号",
        "registered_on": timezone.localdate().isoformat(),
        "title": "物业费纠纷",
        "description": "信访人反映物业公司多收物业费。",
        "dispute_type": "property_management",
        "consent": True,
        "consented_by": "双方当事人",
        "parties": PARTIES,
    }
    data.update(overrides)
    return data


def test_a_police_referral_makes_the_case_starts_the_clock_and_shows_its_acceptance(
    client, district, station
):
    response = station.post(POLICE, police_data(district), key="110-20261121-7")
    assert response.status_code == 201, response.json()
    body = response.json()
    referral = PoliceReferral.objects.get(pk=body["id"])
    assert referral.case.channel == Channel.POLICE
    assert referral.process is not None  # the 24-hour clock runs
    assert body["case_status"] == "reported" and body["accepted_at"] is None
    # The street centre accepts it on its page; the station reads the acceptance.
    perform_loop(
        client,
        district.street_staff,
        referral.case,
        "review",
        {"decision": "accept", "tier": "medium"},
    )
    body = station.get(f"{POLICE}{referral.pk}/").json()
    assert body["case_status"] == "accepted" and body["accepted_at"]
    assert station.get(POLICE).json()["count"] == 1


def test_a_police_referral_from_the_future_is_refused(district, station):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = station.post(POLICE, police_data(district, incident_at=future))
    assert response.status_code == 400
    assert "incident_at" in response.json()["fields"]
    assert not PoliceReferral.objects.exists()


def test_only_a_stations_token_refers_a_110_call(district, bureau):
    response = bureau.post(POLICE, police_data(district))
    assert response.status_code == 403 and response.json()["code"] == "not_a_station"


def test_a_petition_transfer_makes_the_case_and_shows_its_clocks(district, bureau):
    response = bureau.post(PETITIONS, petition_data(district))
    assert response.status_code == 201, response.json()
    body = response.json()
    referral = PetitionReferral.objects.get(pk=body["id"])
    assert referral.case.channel == Channel.PETITION and referral.process is not None
    assert body["handle_by"] == referral.handle_by.isoformat()
    assert bureau.get(f"{PETITIONS}{referral.pk}/").json()["petition_number"] == "经信〔2026〕88号"
    # The same petition twice is refused by the service, by field.
    again = bureau.post(PETITIONS, petition_data(district))
    assert again.status_code == 400 and "petition_number" in again.json()["fields"]


def test_a_petition_without_consent_or_out_of_time_is_refused(district, bureau):
    response = bureau.post(PETITIONS, petition_data(district, consent=False))
    assert response.status_code == 400 and "consent" in response.json()["fields"]
    late = (timezone.localdate() - datetime.timedelta(days=40)).isoformat()
    response = bureau.post(PETITIONS, petition_data(district, registered_on=late))
    assert response.status_code == 400 and "registered_on" in response.json()["fields"]


def test_a_station_sees_its_own_referrals_not_the_bureaus(district, station, bureau):
    police = station.post(POLICE, police_data(district)).json()
    petition = bureau.post(PETITIONS, petition_data(district)).json()
    assert station.get(f"{PETITIONS}{petition['id']}/").status_code == 404
    assert bureau.get(f"{POLICE}{police['id']}/").status_code == 404
    assert station.get(PETITIONS).json()["count"] == 0
    # The referring body reads its case in the limited view.
    case = station.get(f"/api/v1/cases/{police['case']}/").json()
    assert case["view"] == "limited" and case["description"] is None
