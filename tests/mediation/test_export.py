"""The case list's CSV export follows the list's rules (issue 5): the same cases, the
same filters, personal data masked but for the cases the user handles or runs, every
unmasked person logged, and a bounded, streamed file."""

import codecs
import csv
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mediation import access, exports
from mediation.models import (
    Case,
    CaseParty,
    CaseStatus,
    DisputeType,
    PartyRole,
    PersonalDataAccess,
    Tier,
)
from mediation.personal_data import mask
from tests.access import conftest as access_conftest
from tests.access.conftest import PHONE, PHONE_MASKED
from tests.factories import make_id_number, natural, report_case

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("cases:export")
LIST_URL = reverse("cases:list")
# The columns before the parties', and each party's four.
CASE_COLUMNS = 13
PARTY_COLUMNS = 4


@pytest.fixture
def world(district):
    """The access tests' district: a user in every role, a case in every relationship."""
    return access_conftest.world._get_wrapped_function()(district)


@pytest.fixture
def english(client):
    # The headers are read in the English msgids, whatever the .po translates them to.
    client.cookies["django_language"] = "en"
    return client


def download(client, user, query: str = "") -> bytes:
    client.force_login(user)
    response = client.get(EXPORT_URL + query)
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


def read(raw: bytes) -> list[list[str]]:
    """The file's rows, the header first."""
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def exported(client, user, query: str = "") -> dict[str, list[str]]:
    """The file's rows by case number; each case in one row."""
    rows = read(download(client, user, query))[1:]
    by_number = {row[0]: row for row in rows}
    assert len(by_number) == len(rows)
    return by_number


def listed(client, user, query: str = "") -> set[str]:
    client.force_login(user)
    return {case.number for case in client.get(LIST_URL + query).context["cases"]}


def parties(row: list[str]) -> list[list[str]]:
    """A row's party column groups (role, name, ID number or credit code, phone)."""
    cells = row[CASE_COLUMNS:]
    groups = [cells[i : i + PARTY_COLUMNS] for i in range(0, len(cells), PARTY_COLUMNS)]
    return [group for group in groups if any(group)]


def test_export_requires_login(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={EXPORT_URL}"


@pytest.mark.parametrize(
    "role",
    [
        "street_staff",
        "other_street_staff",
        "grid_worker",
        "centre_staff",
        "director",
        "mediator",
        "committee_staff",
        "leader",
        "justice_staff",
        "clerk",
        "police_officer",
        "petition_staff",
        "liaison",
        "other_district_staff",
        "superuser",
    ],
)
def test_export_holds_exactly_the_cases_the_list_shows(client, world, role):
    user = world.user(role)
    shown = listed(client, user)
    assert len(shown) < 25  # one page of the list holds them all
    assert set(exported(client, user)) == shown


def test_street_centre_does_not_get_another_streets_case(client, world):
    numbers = set(exported(client, world.district.street_staff))
    assert world.street_case.number in numbers
    assert world.other_street_case.number not in numbers
    assert world.foreign_case.number not in numbers


def test_referring_court_gets_only_its_referred_case(client, world):
    assert set(exported(client, world.clerk)) == {world.court_case.number}


def test_user_with_no_post_gets_only_the_header(client, world):
    rows = read(download(client, world.party_user))
    assert len(rows) == 1
    assert len(rows[0]) == CASE_COLUMNS + PARTY_COLUMNS


@pytest.mark.parametrize(
    ("query", "narrows"),
    [
        (f"?status={CaseStatus.MEDIATING}", True),
        (f"?tier={Tier.MEDIUM}", True),
        (f"?dispute_type={DisputeType.LABOUR}", True),  # none
        ("?q=" + quote("调解员"), True),  # in a summary, not a number or a name: none
        ("?q=" + quote("张三"), False),  # a party of every case
        ("?status=not-a-status", False),  # a bad value filters nothing, as on the list
    ],
)
def test_export_applies_the_list_filters(client, world, query, narrows):
    user = world.district.centre_staff
    everything = set(exported(client, user))
    numbers = set(exported(client, user, query))
    assert numbers == listed(client, user, query)
    assert (numbers < everything) if narrows else (numbers == everything)


def test_export_filters_by_case_number_and_organisation(client, world):
    user = world.district.centre_staff
    number = world.mediated_case.number
    assert set(exported(client, user, f"?q={quote(number)}")) == {number}
    other = world.district.other_street
    assert set(exported(client, user, f"?organisation={other.pk}")) == {
        world.other_street_case.number
    }


def test_list_links_to_the_export_with_its_filters(client, world):
    client.force_login(world.district.centre_staff)
    content = client.get(LIST_URL + "?status=mediating&page=1").content.decode()
    assert f'href="{EXPORT_URL}?status=mediating"' in content


def _shown(value: str, unmasked: bool) -> str:
    shown = value if unmasked else mask(value)
    return "\t" + shown if shown.isdigit() else shown


@pytest.mark.parametrize(
    "role",
    ["director", "street_staff", "mediator", "justice_staff", "clerk", "leader", "superuser"],
)
def test_each_row_is_masked_as_the_case_page_masks_it_and_only_full_rows_are_logged(
    client, world, role
):
    """ID and phone numbers in full exactly on the cases where ``CaseAccess.unmasked``
    holds for the user (the case page's rule), masked on the others."""
    user = world.user(role)
    rows = exported(client, user)
    full = set()
    for case in Case.objects.filter(number__in=rows):
        unmasked = access.case_access(user, case).unmasked
        if unmasked:
            full.add(case.pk)
        with translation.override("zh-hans"):  # the site's language, the file's too
            expected = [
                [
                    party.get_role_display(),
                    party.person.name,
                    _shown(party.person.id_number, unmasked) or party.person.credit_code,
                    _shown(party.person.phone, unmasked),
                ]
                for party in case.parties.select_related("person")
            ]
        assert parties(rows[case.number]) == expected, case.number
    logged = PersonalDataAccess.objects.filter(user=user)
    assert set(logged.values_list("case_id", flat=True)) == full
    assert (
        logged.count()
        == CaseParty.objects.filter(case__in=full)
        .exclude(person__id_number="", person__phone="")
        .count()
    )


def test_justice_bureau_gets_the_committee_case_masked(client, world):
    row = exported(client, world.justice_staff)[world.committee_case.number]
    applicant = parties(row)[0]
    assert applicant[2].startswith("110") and "*" in applicant[2]
    assert applicant[3] == PHONE_MASKED
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    ("role", "case_name"),
    [("mediator", "mediated_case"), ("street_staff", "street_case")],
)
def test_personal_data_is_in_full_for_the_handler_and_centre_staff_and_logged(
    client, world, role, case_name
):
    user, case = world.user(role), getattr(world, case_name)
    assert access.case_access(user, case).unmasked
    query = f"?q={quote(case.number)}"
    rows = exported(client, user, query)
    applicant, respondent = parties(rows[case.number])
    person = case.parties.get(role=PartyRole.APPLICANT).person
    assert applicant[1] == "张三"
    # Kept as text in a spreadsheet (an ID number ending in X is text already).
    assert applicant[2] == ("\t" if person.id_number.isdigit() else "") + person.id_number
    assert applicant[3] == "\t" + PHONE
    assert respondent[1] == "李四" and respondent[2:] == ["", ""]
    log = PersonalDataAccess.objects.get(user=user)  # the respondent has nothing to log
    assert (log.case, log.person, log.fields) == (case, person, ["id_number", "phone"])
    assert (log.page, log.path) == ("cases:export", EXPORT_URL + query)


def test_district_director_gets_street_cases_masked_and_district_cases_in_full(client, world):
    """The district director sees the streets' cases and runs the district centre's."""
    rows = exported(client, world.director)
    applicant = parties(rows[world.street_case.number])[0]
    assert applicant[2:] == [mask(world.id_number), PHONE_MASKED]
    assert not PersonalDataAccess.objects.filter(case=world.street_case).exists()
    applicant = parties(rows[world.court_case.number])[0]
    assert applicant[3] == "\t" + PHONE
    assert PersonalDataAccess.objects.filter(case=world.court_case, user=world.director).exists()


def test_file_has_a_bom_the_headers_and_a_chinese_filename(english, district, monkeypatch):
    report_case(handling_org=district.street, title="楼上漏水")
    english.force_login(district.street_staff)
    response = english.get(EXPORT_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith(codecs.BOM_UTF8)
    header, row = read(raw)
    assert header == [
        "Case number",
        "Summary",
        "Dispute type",
        "Channel",
        "Tier",
        "Status",
        "Handling organisation",
        "Mediator",
        "Reported at",
        "Due date",
        "Closed at",
        "Outcome",
        "Amount in dispute (yuan)",
        "Party 1 role",
        "Party 1 name",
        "Party 1 ID number or credit code",
        "Party 1 phone",
        "Party 2 role",
        "Party 2 name",
        "Party 2 ID number or credit code",
        "Party 2 phone",
    ]
    assert row[1] == "楼上漏水" and row[6] == district.street.name
    assert response["Content-Disposition"].startswith('attachment; filename="Case list-')
    # In Chinese, the name is given in UTF-8 (RFC 5987) with an ASCII fallback.
    monkeypatch.setattr(exports, "_", lambda text: "案件清单" if text == "Case list" else text)
    disposition = exports.content_disposition()
    assert disposition.startswith('attachment; filename="cases-')
    assert f"filename*=UTF-8''{quote('案件清单')}-" in disposition


def test_party_columns_fit_the_case_with_most_parties(client, district):
    report_case(
        handling_org=district.street,
        parties=[
            natural("甲", PartyRole.APPLICANT, id_number=make_id_number()),
            natural("乙", PartyRole.RESPONDENT, phone=""),
            natural("丙", PartyRole.THIRD_PARTY, phone=""),
        ],
    )
    report_case(handling_org=district.street)
    header, *rows = read(download(client, district.street_staff))
    assert len(header) == CASE_COLUMNS + 3 * PARTY_COLUMNS
    assert sorted(len(parties(row)) for row in rows) == [2, 3]


def test_cells_are_never_spreadsheet_formulas(client, district):
    case = report_case(handling_org=district.street, title='=HYPERLINK("http://x","y")')
    rows = exported(client, district.street_staff)
    assert rows[case.number][1] == "'" + case.title


def test_list_longer_than_the_limit_is_refused(english, district, monkeypatch):
    monkeypatch.setattr(exports, "ROW_LIMIT", 2)
    for _ in range(3):
        report_case(handling_org=district.street)
    english.force_login(district.street_staff)
    response = english.get(EXPORT_URL + "?tier=", follow=True)
    assert response.redirect_chain == [(f"{LIST_URL}?tier=", 302)]
    message = "".join(str(m) for m in response.context["messages"])
    assert "more than 2 cases" in message and "Narrow the filters" in message
    assert not PersonalDataAccess.objects.exists()
    # At the limit, the file holds every case.
    monkeypatch.setattr(exports, "ROW_LIMIT", 3)
    assert len(exported(english, district.street_staff)) == 3


def test_rows_stream_in_chunks_each_logged(client, district, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    cases = [report_case(handling_org=district.street) for _ in range(5)]
    rows = exported(client, district.street_staff)
    assert set(rows) == {case.number for case in cases}
    logged = PersonalDataAccess.objects.filter(user=district.street_staff)
    assert sorted(logged.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get(EXPORT_URL).streaming_content)
    return len(queries)


def test_query_count_does_not_grow_with_the_cases(client, district, django_assert_max_num_queries):
    user = district.street_staff
    for _ in range(2):
        report_case(handling_org=district.street)
    few = _queries(client, user)
    for _ in range(20):
        report_case(handling_org=district.grid)
    assert _queries(client, user) == few
    PersonalDataAccess.objects.all().delete()
    client.force_login(user)
    # The session and the user; the filter form's organisations; the user's posts, for
    # the list and for the unmasked cases; the size; the most parties; the cases; their
    # parties; the log.
    with django_assert_max_num_queries(10):
        raw = b"".join(client.get(EXPORT_URL).streaming_content)
    assert len(read(raw)) == 1 + 22
    # The street centre runs the grid's cases too: every applicant is shown, and logged.
    assert PersonalDataAccess.objects.filter(user=user).count() == 22
