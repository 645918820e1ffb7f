import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mediation.models import Case, CaseStatus, Channel, DisputeType, PartyRole, Tier
from tests.factories import UserFactory, make_id_number, natural, report_case

pytestmark = pytest.mark.django_db

LIST_URL = reverse("cases:list")


@pytest.fixture
def english(client):
    # Label assertions read the English msgids, whatever the .po translates them to.
    client.cookies["django_language"] = "en"
    return client


def listed(response) -> set[str]:
    return {case.number for case in response.context["cases"]}


def test_case_list_requires_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={LIST_URL}"


def test_site_root_leads_to_the_case_list(client, district):
    client.force_login(district.street_staff)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].endswith(LIST_URL)
    assert response.status_code == 200


def test_case_list_offers_registration_only_to_staff_with_a_post(client, district):
    intake_link = f'href="{reverse("cases:intake")}"'
    client.force_login(district.grid_worker)
    assert intake_link in client.get(LIST_URL).content.decode()
    client.force_login(UserFactory(username="visitor"))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert intake_link not in response.content.decode()


def test_case_list_shows_only_cases_in_the_users_subtree(client, district):
    street = report_case(handling_org=district.street)
    grid = report_case(handling_org=district.grid)
    other = report_case(handling_org=district.other_street)
    district_case = report_case(handling_org=district.district)

    client.force_login(district.street_staff)
    assert listed(client.get(LIST_URL)) == {street.number, grid.number}
    client.force_login(district.grid_worker)
    assert listed(client.get(LIST_URL)) == {grid.number}
    client.force_login(district.centre_staff)
    assert listed(client.get(LIST_URL)) == {
        street.number,
        grid.number,
        other.number,
        district_case.number,
    }


def test_case_list_filters_by_status_tier_type_channel_org_and_overdue(client, district):
    long_ago = timezone.now() - datetime.timedelta(days=60)
    overdue = report_case(handling_org=district.street, tier=Tier.MICRO, reported_at=long_ago)
    labour = report_case(
        handling_org=district.grid,
        dispute_type=DisputeType.LABOUR,
        channel=Channel.HOTLINE,
        tier=Tier.HARD,
    )
    closed = report_case(handling_org=district.community, tier=Tier.MICRO, reported_at=long_ago)
    # No service closes a case yet; the status is set directly to have one to filter.
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    client.force_login(district.street_staff)

    def filtered(**query):
        return listed(client.get(LIST_URL, query))

    everything = {overdue.number, labour.number, closed.number}
    assert filtered() == everything
    assert filtered(status=CaseStatus.CLOSED) == {closed.number}
    assert filtered(status=CaseStatus.REPORTED) == {overdue.number, labour.number}
    assert filtered(tier=Tier.HARD) == {labour.number}
    assert filtered(dispute_type=DisputeType.LABOUR) == {labour.number}
    assert filtered(channel=Channel.HOTLINE) == {labour.number}
    assert filtered(organisation=district.community.pk) == {labour.number, closed.number}
    assert filtered(organisation=district.grid.pk) == {labour.number}
    # A closed case is never overdue, however old its due date.
    assert filtered(overdue="on") == {overdue.number}
    assert filtered(tier=Tier.MICRO, overdue="on") == {overdue.number}


def test_case_list_ignores_an_organisation_outside_the_users_subtree(client, district):
    mine = report_case(handling_org=district.street)
    report_case(handling_org=district.other_street)
    client.force_login(district.street_staff)

    response = client.get(LIST_URL, {"organisation": district.other_street.pk})

    assert listed(response) == {mine.number}
    choices = set(response.context["filter_form"].fields["organisation"].queryset)
    assert district.other_street not in choices
    assert {district.street, district.community, district.grid} <= choices


def test_case_list_search_finds_by_case_number_and_party_name(client, district):
    first = report_case(handling_org=district.street)
    second = report_case(
        handling_org=district.street,
        parties=[
            natural("欧阳春花", PartyRole.APPLICANT, id_number=make_id_number()),
            natural("某物业公司", PartyRole.RESPONDENT, phone=""),
        ],
    )
    client.force_login(district.street_staff)

    assert listed(client.get(LIST_URL, {"q": first.number})) == {first.number}
    assert listed(client.get(LIST_URL, {"q": "春花"})) == {second.number}
    assert listed(client.get(LIST_URL, {"q": "物业"})) == {second.number}
    assert listed(client.get(LIST_URL, {"q": "nobody"})) == set()


def test_case_list_marks_overdue_and_priority_cases(english, district):
    long_ago = timezone.now() - datetime.timedelta(days=60)
    report_case(
        handling_org=district.street,
        tier=Tier.MICRO,
        reported_at=long_ago,
        parties=[
            natural("赵老伯", PartyRole.APPLICANT, special_groups=("elderly",)),
            natural("钱某", PartyRole.RESPONDENT, phone=""),
        ],
    )
    english.force_login(district.street_staff)

    content = english.get(LIST_URL).content.decode()

    assert '<span class="mp-overdue__label">overdue</span>' in content
    assert "priority_high" in content


def test_case_list_pages_by_25_and_keeps_the_filters(client, district):
    for _ in range(27):
        report_case(handling_org=district.grid, tier=Tier.SMALL)
    report_case(handling_org=district.grid)
    client.force_login(district.street_staff)

    first = client.get(LIST_URL, {"tier": Tier.SMALL})
    second = client.get(LIST_URL, {"tier": Tier.SMALL, "page": 2})

    assert len(first.context["cases"]) == 25
    assert len(second.context["cases"]) == 2
    assert "?tier=small&amp;page=2" in first.content.decode()


def test_case_list_query_count_does_not_grow_with_the_cases(
    client, district, django_assert_max_num_queries
):
    client.force_login(district.street_staff)
    for _ in range(3):
        report_case(handling_org=district.grid)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST_URL)
    for _ in range(10):
        report_case(handling_org=district.grid)
    with django_assert_max_num_queries(len(few)):
        client.get(LIST_URL)


def test_case_detail_of_an_invisible_case_is_404(client, district):
    other = report_case(handling_org=district.other_street)
    client.force_login(district.street_staff)

    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[other.pk + 1000])).status_code == 404


def test_case_detail_requires_login(client, district):
    case = report_case(handling_org=district.street)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_case_detail_shows_parties_and_timeline(english, district):
    id_number = make_id_number()
    case = report_case(
        handling_org=district.grid,
        actor=district.grid_worker,
        amount=Decimal("12000.50"),
        location="新园小区3栋",
        parties=[
            natural("张三", PartyRole.APPLICANT, id_number=id_number, address="新园小区3栋101"),
            natural("李四", PartyRole.RESPONDENT, phone=""),
        ],
    )
    english.force_login(district.street_staff)

    response = english.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert case.number in content
    assert "新园社区第一网格" in content
    assert "12,000.50 yuan" in content
    assert [p.person.name for p in response.context["parties"]] == ["张三", "李四"]
    assert id_number in content and "新园小区3栋101" in content
    assert [e.action for e in response.context["timeline"]] == [
        "case.reported",
        "party.added",
        "party.added",
    ]
    # The details read as words, not as the stored JSON.
    assert "Party added" in content and "Case reported" in content
    assert "Role: Applicant" in content and "Name: 张三" in content
    assert f"Case number: {case.number}" in content and "Channel: Walk-in" in content
    assert "{&#x27;" not in content and "{'" not in content
