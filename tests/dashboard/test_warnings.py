"""Repeat warnings: three or more disputes of one party, at one address or in one grid
within ninety days; each lists its cases, only those the user may see."""

import datetime

from django.urls import reverse
from django.utils import timezone

from mediation.models import PartyRole
from tests.factories import make_id_number, natural, report_case

from .conftest import dashboard, first_column

# Without an ID number or phone: never matched as a repeat party.
RESPONDENT = natural("对方", PartyRole.RESPONDENT, phone="")


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _cases(district, days_ago, *, org=None, name="赵六", id_number=None, **fields):
    id_number = id_number or make_id_number()
    return [
        report_case(
            handling_org=org or district.street,
            parties=[RESPONDENT, natural(name, id_number=id_number, phone="13700001111")],
            reported_at=_days_ago(days),
            **fields,
        )
        for days in days_ago
    ]


def test_three_disputes_of_one_party_within_90_days_warn(client, district):
    cases = _cases(district, (80, 40, 1))
    tables = dashboard(client, district.street_staff)
    assert first_column(tables["warnings_party"]) == ["赵六"]
    row = tables["warnings_party"].rows[0]
    assert row[2].value == 3
    # The party's ID number is masked in the warning.
    id_number = cases[0].parties.get(role=PartyRole.APPLICANT).person.id_number
    assert row[1].text == id_number[:3] + "*" * 11 + id_number[-4:]
    listed = client.get(row[0].url)
    assert [c.pk for c in listed.context["cases"]] == [c.pk for c in reversed(cases)]


def test_two_disputes_of_one_party_do_not_warn(client, district):
    _cases(district, (30, 1))
    assert dashboard(client, district.street_staff)["warnings_party"].rows == []


def test_three_disputes_spread_over_more_than_90_days_do_not_warn(client, district):
    _cases(district, (120, 60, 1))
    assert dashboard(client, district.street_staff)["warnings_party"].rows == []


def test_a_party_without_id_number_is_matched_by_phone(client, district):
    for days in (20, 10, 1):
        report_case(
            handling_org=district.street,
            parties=[RESPONDENT, natural("钱七", phone="13912345678")],
            reported_at=_days_ago(days),
        )
    rows = dashboard(client, district.street_staff)["warnings_party"].rows
    assert [(r[0].text, r[1].text, r[2].value) for r in rows] == [("钱七", "139****5678", 3)]


def test_three_disputes_at_one_address_or_in_one_grid_warn(client, district):
    _cases(district, (50, 20, 2), location="新园社区5栋1单元", grid=district.grid)
    tables = dashboard(client, district.street_staff)
    assert first_column(tables["warnings_address"]) == ["新园社区5栋1单元"]
    assert first_column(tables["warnings_grid"]) == [district.grid.name]
    listed = client.get(tables["warnings_grid"].rows[0][0].url)
    assert len(listed.context["cases"]) == 3


def test_a_warning_counts_and_lists_only_the_cases_the_user_sees(client, district):
    id_number = make_id_number()
    visible = _cases(district, (60, 30), id_number=id_number)
    hidden = _cases(district, (10,), id_number=id_number, org=district.other_street)
    # Two of the three are the street's: no warning for the street's staff.
    assert dashboard(client, district.street_staff)["warnings_party"].rows == []
    visible += _cases(district, (5,), id_number=id_number)
    rows = dashboard(client, district.street_staff)["warnings_party"].rows
    assert rows[0][2].value == 3
    page = client.get(rows[0][0].url)
    assert {c.pk for c in page.context["cases"]} == {c.pk for c in visible}
    assert hidden[0].number not in page.content.decode()


def test_a_warning_page_for_an_unknown_key_lists_nothing(client, district):
    client.force_login(district.street_staff)
    for kind, key in (("party", "999999"), ("grid", "abc"), ("address", "")):
        response = client.get(reverse("dashboard:warning"), {"kind": kind, "key": key})
        assert response.status_code == 200 and response.context["cases"] == []
    assert client.get(reverse("dashboard:warning"), {"kind": "nothing"}).status_code == 404


def test_a_grid_warning_is_read_from_the_rollup_once_counted(client, district):
    from mediation.dashboard import rollup
    from mediation.dashboard.models import DayFigures, StaleDay

    _cases(district, (50, 20, 2), grid=district.grid)
    assert rollup.refresh() == 3
    assert not StaleDay.objects.exists()
    assert DayFigures.objects.filter(dimension="grid", value=str(district.grid.pk)).exists()
    rows = dashboard(client, district.street_staff)["warnings_grid"].rows
    assert [(row[0].text, row[1].value) for row in rows] == [(district.grid.name, 3)]
    assert rows[0][2].value == timezone.localdate(timezone.now() - datetime.timedelta(days=50))
