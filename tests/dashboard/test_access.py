"""Everyone sees figures over the cases they may see, and nobody else's; the statistics
are refused (403, with the reason) to those whose posts have none."""

import io

import openpyxl
import pytest
from django.urls import reverse

from mediation.models import PartyRole, Role
from tests.factories import make_id_number, natural, report_case, staff

from .conftest import TABLES, dashboard, overview

SECRET_TITLE = "湖滨街道机密纠纷"
SECRET_PARTY = "欧阳秘密"

# Without an ID number or phone: never matched as a repeat party.
RESPONDENT = natural("对方", PartyRole.RESPONDENT, phone="")


@pytest.fixture
def two_streets(district):
    """Three cases in the street, one in the other street, of the same party."""
    party = make_id_number()
    for _ in range(3):
        report_case(
            handling_org=district.street,
            parties=[RESPONDENT, natural("王五", id_number=party)],
            location="太湖街道1号",
            grid=district.grid,
        )
    report_case(
        handling_org=district.other_street,
        title=SECRET_TITLE,
        parties=[RESPONDENT, natural(SECRET_PARTY, id_number=party)],
        location="太湖街道1号",
    )
    for _ in range(2):
        report_case(
            handling_org=district.other_street,
            title=SECRET_TITLE,
            parties=[RESPONDENT, natural(SECRET_PARTY, id_number=make_id_number())],
            location="湖滨街道9号",
        )
    return district


def test_street_staff_figures_leave_out_another_streets_cases(client, two_streets):
    assert overview(dashboard(client, two_streets.street_staff))["Cases reported"] == 3
    assert overview(dashboard(client, two_streets.other_street_staff))["Cases reported"] == 3


def test_a_director_sees_the_whole_districts_figures(client, two_streets):
    director = staff("jk-director", two_streets.district, Role.CENTRE_DIRECTOR)
    assert overview(dashboard(client, director))["Cases reported"] == 6


def test_no_title_or_party_of_an_invisible_case_in_the_page_or_an_export(client, two_streets):
    client.force_login(two_streets.street_staff)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert SECRET_TITLE not in page and SECRET_PARTY not in page
    assert "湖滨街道9号" not in page
    for slug in TABLES:
        csv = b"".join(
            client.get(
                reverse("dashboard:export"), {"table": slug, "format": "csv"}
            ).streaming_content
        ).decode("utf-8-sig")
        assert SECRET_TITLE not in csv and SECRET_PARTY not in csv and "湖滨街道9号" not in csv
        xlsx = client.get(reverse("dashboard:export"), {"table": slug, "format": "xlsx"}).content
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row]
        assert not any(SECRET_PARTY in c or SECRET_TITLE in c for c in cells)


def test_the_organisation_filter_offers_only_organisations_the_user_sees(client, two_streets):
    client.force_login(two_streets.street_staff)
    response = client.get(reverse("dashboard:index"))
    offered = set(response.context["form"].fields["organisation"].queryset)
    assert two_streets.street in offered and two_streets.grid in offered
    assert two_streets.other_street not in offered
    # Asking for the other street anyway is refused, and shows the user's own figures.
    response = client.get(reverse("dashboard:index"), {"organisation": two_streets.other_street.pk})
    assert response.context["form"].errors["organisation"]
    tables = {t.slug: t for t in response.context["tables"]}
    assert overview(tables)["Cases reported"] == 3


def test_the_organisation_filter_narrows_to_its_subtree(client, two_streets):
    director = staff("jk-director", two_streets.district, Role.CENTRE_DIRECTOR)
    tables = dashboard(client, director, organisation=two_streets.other_street.pk)
    assert overview(tables)["Cases reported"] == 3


@pytest.mark.parametrize(
    "role", [Role.MEDIATOR, Role.COURT_CLERK, Role.POLICE_OFFICER, Role.DEPARTMENT_LIAISON]
)
def test_roles_without_statistics_are_refused_with_the_reason(client, district, role):
    client.force_login(staff("no-stats", district.street, role))
    for url in (
        reverse("dashboard:index"),
        reverse("dashboard:export") + "?table=overview&format=csv",
        reverse("dashboard:warning") + "?kind=party",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "The statistics are for centre directors" in response.content.decode()


def test_the_menu_offers_statistics_only_to_those_who_may_see_them(client, district):
    client.force_login(district.street_staff)
    assert reverse("dashboard:index") in client.get(reverse("cases:list")).content.decode()
    client.force_login(staff("no-stats", district.street, Role.MEDIATOR))
    assert reverse("dashboard:index") not in client.get(reverse("cases:list")).content.decode()


def test_statistics_require_a_login(client, district):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "login" in response["Location"]
