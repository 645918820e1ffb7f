"""Each list of the open API reads a page in a fixed number of queries, however many
records are on it: no query per case, referral or document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import DocumentKind
from mediation.models import OrgKind
from tests.factories import org, report_case

from .conftest import issue, referred_case
from .test_documents import document
from .test_handoffs import PETITIONS, POLICE, petition_data, police_data

pytestmark = pytest.mark.django_db


def queries(api, path) -> int:
    api.get(path)  # the token's last use is written at most once a minute: not counted
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.json()
    return len(captured)


def test_the_case_list_reads_a_page_in_the_same_queries_for_one_case_or_many(district):
    centre = issue(district.street, "街道系统")
    report_case(handling_org=district.street, actor=district.street_staff)
    one = queries(centre, "/api/v1/cases/")
    for _ in range(3):
        report_case(handling_org=district.street, actor=district.street_staff)
    assert centre.get("/api/v1/cases/").json()["count"] == 4
    assert queries(centre, "/api/v1/cases/") == one


def test_the_court_referral_list_reads_a_page_in_the_same_queries_for_one_or_many(district):
    court = issue(district.court, "法院系统")
    referred_case(district)
    one = queries(court, "/api/v1/court-referrals/")
    for _ in range(3):
        referred_case(district)
    assert court.get("/api/v1/court-referrals/").json()["count"] == 4
    assert queries(court, "/api/v1/court-referrals/") == one


def test_the_police_and_petition_lists_read_a_page_in_the_same_queries_for_one_or_many(district):
    station = issue(org("jk-pcs-th", OrgKind.POLICE_STATION, district.district, name="派出所"))
    bureau = issue(org("jk-xfj", OrgKind.PETITION_BUREAU, district.district, name="信访局"))
    station.post(POLICE, police_data(district))
    bureau.post(PETITIONS, petition_data(district, petition_number="经信〔2026〕1号"))
    one = queries(station, POLICE), queries(bureau, PETITIONS)
    for n in range(2, 5):
        station.post(POLICE, police_data(district))
        bureau.post(PETITIONS, petition_data(district, petition_number=f"经信〔2026〕{n}号"))
    assert station.get(POLICE).json()["count"] == bureau.get(PETITIONS).json()["count"] == 4
    assert (queries(station, POLICE), queries(bureau, PETITIONS)) == one


def test_a_cases_document_list_reads_a_page_in_the_same_queries_for_one_or_many(district):
    case = referred_case(district)
    centre = issue(district.street, "街道系统")
    path = f"/api/v1/cases/{case.pk}/documents/"
    document(case, DocumentKind.TERMINATION)
    one = queries(centre, path)
    for kind in (DocumentKind.RECORD, DocumentKind.AGREEMENT, DocumentKind.UNDISPUTED):
        document(case, kind)
    assert centre.get(path).json()["count"] == 4
    assert queries(centre, path) == one
