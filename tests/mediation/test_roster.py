"""The mediator roster: duty rotation, profiles, performance and sanctions."""

import datetime

import pytest

from mediation import services_roster
from mediation.models import (
    CaseStatus,
    DisputeType,
    OrgKind,
    PartyRole,
    Role,
)
from mediation.models.roster import SanctionKind
from mediation.selectors_roster import rotation_candidates, rotation_pick
from tests.factories import make_id_number, natural, org, report_case, staff

DAY = datetime.date(2026, 9, 14)  # a Monday


@pytest.fixture
def roster(district):
    """An invited organisation with three neighbour mediators and one family mediator."""
    invited = org("jk-yq", OrgKind.INVITED_ORGANISATION, district.district, name="邀请调解组织")
    court_clerk = staff("clerk", district.court, Role.COURT_CLERK)
    people = {}
    for name, types in [
        ("med-a", [DisputeType.NEIGHBOUR]),
        ("med-b", [DisputeType.NEIGHBOUR, DisputeType.FAMILY]),
        ("med-c", [DisputeType.NEIGHBOUR]),
        ("med-f", [DisputeType.FAMILY]),
    ]:
        user = staff(name, invited, Role.MEDIATOR)
        services_roster.mediator_register(
            actor=district.centre_staff,
            user=user,
            organisation=invited,
            dispute_types=types,
            specialties="邻里纠纷",
            inviting_court=district.court,
        )
        people[name] = user
    people["invited"] = invited
    people["clerk"] = court_clerk
    return people


def on_duty(district, *users, day=DAY):
    for user in users:
        services_roster.duty_shift_set(actor=district.centre_staff, mediator=user, day=day)


def neighbour_case(district, **fields):
    return report_case(handling_org=district.street, actor=district.street_staff, **fields)


# Duty rotation (轮值, 特邀调解规定 art 12).


def test_rotation_picks_on_duty_matching_mediator_with_lightest_caseload_art12(district, roster):
    on_duty(district, roster["med-a"], roster["med-b"], roster["med-f"])
    # med-a already mediates an open case; med-b has none; med-f does not do neighbours.
    busy = neighbour_case(district)
    busy.mediator = roster["med-a"]
    busy.status = CaseStatus.MEDIATING
    busy.save()
    case = neighbour_case(district)

    assert rotation_candidates(case=case, day=DAY) == [roster["med-b"], roster["med-a"]]
    assert rotation_pick(case=case, day=DAY) == roster["med-b"]


def test_rotation_skips_mediators_not_on_duty_that_day_art12(district, roster):
    on_duty(district, roster["med-a"])
    on_duty(district, roster["med-b"], day=DAY + datetime.timedelta(days=1))
    case = neighbour_case(district)

    assert rotation_candidates(case=case, day=DAY) == [roster["med-a"]]
    assert rotation_pick(case=case, day=DAY - datetime.timedelta(days=1)) is None


def test_rotation_ignores_closed_cases_in_the_caseload_and_breaks_ties_by_roster_order_art12(
    district, roster
):
    on_duty(district, roster["med-a"], roster["med-c"])
    done = neighbour_case(district)
    done.mediator, done.status = roster["med-a"], CaseStatus.CLOSED
    done.save()
    case = neighbour_case(district)

    assert rotation_candidates(case=case, day=DAY) == [roster["med-a"], roster["med-c"]]


def test_rotation_next_pick_excludes_those_who_declined_art12(district, roster):
    on_duty(district, roster["med-a"], roster["med-b"], roster["med-c"])
    case = neighbour_case(district)

    first = rotation_pick(case=case, day=DAY)
    second = rotation_pick(case=case, day=DAY, exclude=[first])
    third = rotation_pick(case=case, day=DAY, exclude=[first.pk, second.pk])

    assert [first, second, third] == [roster["med-a"], roster["med-b"], roster["med-c"]]
    assert rotation_pick(case=case, day=DAY, exclude=[first, second, third]) is None


def test_rotation_never_picks_a_party_or_a_partys_agent(district, roster):
    on_duty(district, roster["med-a"], roster["med-b"])
    case = neighbour_case(
        district,
        parties=[
            natural("张三", PartyRole.APPLICANT, id_number=make_id_number()),
            natural("李四", PartyRole.RESPONDENT),
        ],
    )
    applicant = case.parties.get(role=PartyRole.APPLICANT).person
    applicant.user = roster["med-a"]
    applicant.save()

    assert rotation_candidates(case=case, day=DAY) == [roster["med-b"]]


def test_rotation_never_picks_a_suspended_or_removed_mediator(district, roster):
    on_duty(district, roster["med-a"], roster["med-b"], roster["med-c"])
    for name, kind in [("med-a", SanctionKind.SUSPENSION), ("med-b", SanctionKind.REMOVAL)]:
        services_roster.sanction_impose(
            actor=district.centre_staff,
            profile=roster[name].mediator_profile,
            kind=kind,
            reason="多次无故缺席调解",
        )
    case = neighbour_case(district)

    assert rotation_candidates(case=case, day=DAY) == [roster["med-c"]]
