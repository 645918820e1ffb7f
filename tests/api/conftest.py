"""Calling systems and their tokens, over the suite's ``district``."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from mediation.api import services as api_services
from mediation.models import OrgKind, PartyRole
from mediation.models.referrals import Referral, ReferralKind
from tests.factories import make_id_number, org, report_case

# Generous enough that no test but the rate limit's meets it.
TEST_RATE = "1000/minute"


class Api:
    """A calling system: the test client with its token on every request."""

    def __init__(self, secret: str, client: Client | None = None):
        self.secret = secret
        self.client = client or Client()

    def headers(self, key=None, **extra) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}", **extra}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers=self.headers(**headers))

    def post(self, path, data, key=None, **headers):
        return self.client.post(
            path,
            json.dumps(data, ensure_ascii=False),
            content_type="application/json",
            headers=self.headers(key, **headers),
        )


@pytest.fixture(autouse=True)
def _api_settings(settings):
    """A high rate for the tests, and no counts left from another test."""
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"api_token": TEST_RATE}
    settings.REST_FRAMEWORK = rest
    cache.clear()
    yield
    cache.clear()


def issue(organisation, name="外部系统", **kwargs) -> Api:
    issued = api_services.token_issue(organisation=organisation, name=name, **kwargs)
    api = Api(issued.secret)
    api.token = issued.token
    return api


@pytest.fixture
def hotline(district):
    """The district's 12345 hotline, a functional department, and its system's token."""
    hotline = org("jk-12345", OrgKind.DEPARTMENT, district.district, name="12345热线")
    return issue(hotline, "12345热线工单系统")


@pytest.fixture
def court_api(district):
    return issue(district.court, "法院诉调对接系统")


def intake_data(district, **overrides) -> dict:
    data = {
        "title": "楼上漏水纠纷",
        "description": "市民来电：楼上卫生间漏水，浸泡楼下天花板，协商未果。",
        "dispute_type": "neighbour",
        "handling_org": district.street.code,
        "grid": district.grid.code,
        "location": "新园小区3栋",
        "amount": "3000.00",
        "parties": [
            {
                "role": PartyRole.APPLICANT,
                "name": "王五",
                "id_number": make_id_number(),
                "phone": "13800138000",
            },
            {"role": PartyRole.RESPONDENT, "name": "赵六", "phone": ""},
        ],
    }
    data.update(overrides)
    return data


def referred_case(district):
    """A case at the street that the district's court delegated to it."""
    case = report_case(handling_org=district.street, actor=district.street_staff)
    Referral.objects.create(
        case=case, court=district.court, centre=district.street, kind=ReferralKind.DELEGATION,
        claim="请求返还借款",
    )  # fmt: skip
    return case
