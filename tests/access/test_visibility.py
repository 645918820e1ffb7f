"""Who sees which case: every rule of issue 5, through ``cases_visible_to``, the case page
and ``access_case``, which must agree."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mediation import access, selectors, services, services_roster
from mediation.models import DisputeType, Membership, OrgKind, Role, Tier
from mediation.models.referrals import RecusalKind, Referral, ReferralStatus
from mediation.services_referral_interrupt import referral_recuse
from tests.factories import org, report_case, staff
from workflows.forms import ReviewForm

from .conftest import close_consultation

pytestmark = pytest.mark.django_db

ALL_CASES = (
    "street_case",
    "other_street_case",
    "mediated_case",
    "committee_case",
    "court_case",
    "police_case",
    "petition_case",
    "summoned_case",
    "led_case",
    "foreign_case",
)
STREET_CASES = {
    "street_case",
    "mediated_case",
    "committee_case",
    "police_case",
    "petition_case",
    "summoned_case",
}
DISTRICT_CASES = set(ALL_CASES) - {"foreign_case"}

# Who sees what, written once: user → the cases they see.
EXPECTED = {
    "centre_staff": DISTRICT_CASES,
    "director": DISTRICT_CASES,
    "street_director": DISTRICT_CASES,
    "street_staff": STREET_CASES,
    "other_street_staff": {"other_street_case"},
    "grid_worker": {"street_case"},
    "committee_staff": set(),
    "mediator": {"mediated_case", "summoned_case"},
    "committee_mediator": {"committee_case"},
    "leader": {"led_case"},
    "justice_staff": {"committee_case"},
    "clerk": {"court_case"},
    "police_officer": {"police_case"},
    "petition_staff": {"petition_case"},
    "liaison": {"summoned_case"},
    "other_district_staff": {"foreign_case"},
    "party_user": set(),
    "superuser": set(ALL_CASES),
}


def seen(world, user) -> set[str]:
    pks = set(access.cases_visible_to(user).values_list("pk", flat=True))
    return {name for name in ALL_CASES if getattr(world, name).pk in pks}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_the_cases_its_rules_give_it(world, role):
    assert seen(world, world.user(role)) == EXPECTED[role]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_case_page_and_access_case_agree_with_the_case_list(client, world, role):
    user = world.user(role)
    client.force_login(user)
    for name in ALL_CASES:
        case = getattr(world, name)
        expected = name in EXPECTED[role]
        status = client.get(reverse("cases:detail", args=[case.pk])).status_code
        assert status == (200 if expected else 404), (role, name, status)
        if expected:
            assert access.access_case(user, case.pk) == case
        else:
            with pytest.raises(Http404):
                access.access_case(user, case)


def test_street_centre_sees_its_communities_and_grids_cases(world):
    d = world.district
    grid_case = report_case(handling_org=d.grid, actor=d.grid_worker, title="网格处置")
    community_case = report_case(handling_org=d.community, actor=d.street_staff, title="社区")
    for viewer in (d.street_staff, d.centre_staff, world.street_director):
        assert access.may_see_case(viewer, grid_case) and access.may_see_case(
            viewer, community_case
        )
    assert access.may_see_case(world.committee_staff, grid_case)
    assert access.may_see_case(world.committee_staff, community_case)
    assert not access.may_see_case(d.other_street_staff, grid_case)
    # A grid worker sees what their grid handles, not the community's cases.
    assert access.may_see_case(d.grid_worker, grid_case)
    assert not access.may_see_case(d.grid_worker, community_case)


def test_grid_worker_sees_what_was_reported_in_their_grid_wherever_it_is_handled(world):
    d = world.district
    assert world.street_case.grid == d.grid and world.street_case.handling_org == d.street
    assert access.may_see_case(d.grid_worker, world.street_case)
    assert access.case_access(d.grid_worker, world.street_case).relations == {access.Relation.GRID}


def test_guessed_case_id_gets_404(client, world):
    client.force_login(world.district.other_street_staff)
    for case in (world.street_case, world.court_case):
        for name in ("detail", "home_visit", "session_schedule", "rights_notice", "shares"):
            url = reverse(f"cases:{name}", args=[case.pk])
            assert client.get(url).status_code == 404, url
    missing = max(getattr(world, name).pk for name in ALL_CASES) + 1000
    assert client.get(reverse("cases:detail", args=[missing])).status_code == 404


def test_party_without_a_post_sees_no_staff_page_of_their_own_case(client, world):
    party = world.party_user
    assert party.person.case_parties.filter(case=world.street_case).exists()
    client.force_login(party)
    assert client.get(reverse("cases:detail", args=[world.street_case.pk])).status_code == 404
    assert not access.cases_visible_to(party).exists()
    listed = client.get(reverse("cases:list")).context["cases"]
    assert list(listed) == []


def test_unassigned_mediator_loses_access_on_next_request(client, world):
    case, mediator = world.mediated_case, world.mediator
    client.force_login(mediator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    services.case_escalate(case=case, actor=mediator, reason="需要区中心统筹")
    case.refresh_from_db()
    assert case.mediator is None and case.tier == Tier.HARD
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not access.may_see_case(mediator, case)


def test_recused_mediator_loses_access_on_next_request(client, world):
    case, clerk = world.court_case, world.clerk
    # An invited mediator on the roster, posted outside the centre's line.
    invited = org(
        "jk-invited", OrgKind.INVITED_ORGANISATION, world.district.court, name="律师调解室"
    )
    mediator = staff("court-mediator", invited, Role.MEDIATOR)
    services_roster.mediator_register(
        actor=world.district.centre_staff,
        user=mediator,
        organisation=invited,
        dispute_types=[DisputeType.NEIGHBOUR],
    )
    services.case_accept(case=case, actor=world.district.centre_staff, tier=Tier.HARD)
    services.case_dispatch(
        case=case,
        actor=world.district.centre_staff,
        organisation=world.district.district,
        mediator=mediator,
    )
    referral = Referral.objects.get(case=case)
    referral.mediator = mediator
    referral.save(update_fields=["mediator"])
    client.force_login(mediator)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200

    referral_recuse(
        referral=referral, actor=mediator, kind=RecusalKind.CONFLICT, reason="与申请人系亲属"
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status != ReferralStatus.MEDIATING
    # The referring court still sees its referral's case.
    assert access.may_see_case(clerk, case)


def test_member_who_leaves_the_organisation_loses_its_cases_on_next_request(client, world):
    colleague = staff("street-leaver", world.district.street, Role.CENTRE_STAFF)
    client.force_login(colleague)
    url = reverse("cases:detail", args=[world.street_case.pk])
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=colleague).delete()
    assert client.get(url).status_code == 404


def test_responsible_leader_sees_only_the_cases_they_lead(world):
    assert seen(world, world.leader) == {"led_case"}
    assert access.Relation.LEADER in access.case_access(world.leader, world.led_case).relations


def test_justice_staff_see_the_cases_of_the_committees_they_supervise(world):
    relations = access.case_access(world.justice_staff, world.committee_case).relations
    assert relations == {access.Relation.JUSTICE}
    assert not access.may_see_case(world.justice_staff, world.mediated_case)


def test_summoned_department_sees_the_case_while_summoned_then_only_its_own_opinion(client, world):
    case, liaison = world.summoned_case, world.liaison
    client.force_login(liaison)
    url = reverse("cases:detail", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["access"].full

    close_consultation(case, liaison, world.district.street_staff)
    assert client.get(url).status_code == 404
    opinions = client.get(reverse("cases:summonses"))
    assert opinions.status_code == 200
    content = opinions.content.decode()
    assert "建议先做房屋安全鉴定" in content and case.number in content
    assert f'href="{url}"' not in content
    # Another department's staff do not see this department's opinion.
    client.force_login(world.police_officer)
    assert "建议先做房屋安全鉴定" not in client.get(reverse("cases:summonses")).content.decode()


def test_centre_director_sees_everything_in_the_district_and_nothing_outside(world):
    for director in (world.director, world.street_director):
        assert seen(world, director) == DISTRICT_CASES
        assert access.case_access(director, world.other_street_case).may_share


def test_case_list_shows_only_visible_cases(client, world):
    client.force_login(world.police_officer)
    cases = client.get(reverse("cases:list")).context["cases"]
    assert [c.pk for c in cases] == [world.police_case.pk]
    assert [c.pk for c in selectors.case_list(user=world.police_officer)] == [world.police_case.pk]


def test_selectors_still_export_the_access_functions(world):
    assert selectors.cases_visible_to is access.cases_visible_to
    assert selectors.user_may_manage_case is access.user_may_manage_case
    with pytest.raises(Http404):
        selectors.case_get(user=world.clerk, pk=world.street_case.pk)


def test_referring_bodies_see_their_referrals_in_a_limited_view(world):
    for user, case in (
        (world.clerk, world.court_case),
        (world.police_officer, world.police_case),
        (world.petition_staff, world.petition_case),
    ):
        case_access = access.case_access(user, case)
        assert case_access.relations == {access.Relation.REFERRER}
        assert not case_access.full and not case_access.unmasked and not case_access.may_write


@pytest.mark.parametrize(("role", "queries"), [("street_staff", 2), ("director", 3)])
def test_case_access_reads_in_a_fixed_number_of_queries(
    world, django_assert_num_queries, role, queries
):
    """The posts, the district of a director's post, then the case with every relation."""
    user = world.user(role)
    with django_assert_num_queries(queries):
        access.case_access(user, world.street_case.pk)


@pytest.mark.parametrize("role", ["street_staff", "mediator", "director"])
def test_case_list_costs_the_same_queries_whatever_the_page_size(world, role):
    user = world.user(role)
    counts = []
    for size in (1, 5, 25):
        with CaptureQueriesContext(connection) as captured:
            list(selectors.case_list(user=user)[:size])
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts


def test_review_offers_to_merge_only_into_cases_the_reviewer_runs(world):
    form = ReviewForm(case=world.court_case, user=world.district.centre_staff)
    offered = set(form.fields["into"].queryset.values_list("pk", flat=True))
    assert world.led_case.pk in offered
    assert world.street_case.pk not in offered  # seen by the district centre, run by the street
