"""The mediator roster: duty rotation, profiles, performance and sanctions."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mediation import services_case, services_roster
from mediation.models import (
    AuditAction,
    AuditEvent,
    CaseStatus,
    DisputeType,
    MediatorStatus,
    OrgKind,
    Outcome,
    PartyRole,
    Role,
    Tier,
)
from mediation.models.roster import DutyShift, Sanction, SanctionKind
from mediation.selectors_roster import mediator_performance, rotation_candidates, rotation_pick
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


# The roster's pages: the centre keeps it, the court reads it.


def test_court_staff_read_the_roster_and_others_get_403(client, district, roster):
    profile = roster["med-a"].mediator_profile
    pages = [
        reverse("cases:roster"),
        reverse("cases:roster_profile", args=[profile.pk]),
        reverse("cases:roster_duty"),
    ]
    client.force_login(roster["clerk"])
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
    assert "邀请调解组织" in client.get(pages[0]).content.decode()
    assert pages[0] in client.get(reverse("cases:list")).content.decode()  # the menu link
    # Read only: the court cannot set shifts or impose sanctions.
    assert (
        client.post(pages[2], {"mediator": roster["med-a"].pk, "day": "2026-09-14"}).status_code
        == 403
    )
    sanction_url = reverse("cases:roster_sanction", args=[profile.pk])
    assert client.post(sanction_url, {"kind": "warning", "reason": "x"}).status_code == 403
    assert not DutyShift.objects.exists() and not Sanction.objects.exists()

    for outsider in (district.grid_worker, roster["med-b"]):
        client.force_login(outsider)
        for url in pages:
            assert client.get(url).status_code == 403, url
        assert pages[0] not in client.get(reverse("cases:list")).content.decode()


def test_centre_puts_a_mediator_on_duty_and_takes_them_off_on_the_week_page(
    client, district, roster
):
    client.force_login(district.centre_staff)
    url = reverse("cases:roster_duty")

    response = client.post(url, {"mediator": roster["med-c"].pk, "day": "2026-09-16"})

    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.mediator, shift.day) == (roster["med-c"], datetime.date(2026, 9, 16))
    week = client.get(url, {"week": "2026-09-16"})
    assert week.context["start"] == DAY
    assert [len(shifts) for _, shifts in week.context["week"]] == [0, 0, 1, 0, 0, 0, 0]

    assert client.post(url, {"remove": shift.pk}).status_code == 302
    assert not DutyShift.objects.exists()
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert AuditAction.DUTY_SHIFT_SET in actions and AuditAction.DUTY_SHIFT_REMOVED in actions


def test_suspension_through_the_sanction_form_takes_the_mediator_off_the_rotation(
    client, district, roster
):
    on_duty(district, roster["med-a"], roster["med-c"])
    profile = roster["med-a"].mediator_profile
    url = reverse("cases:roster_sanction", args=[profile.pk])
    client.force_login(district.centre_staff)

    refused = client.post(url, {"kind": SanctionKind.SUSPENSION, "reason": ""})
    done = client.post(url, {"kind": SanctionKind.SUSPENSION, "reason": "泄露当事人隐私"})

    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert done.status_code == 302
    profile.refresh_from_db()
    assert profile.status == MediatorStatus.SUSPENDED
    assert Sanction.objects.get().imposed_by == district.centre_staff
    assert rotation_pick(case=neighbour_case(district), day=DAY) == roster["med-c"]
    # A suspended mediator cannot be put on duty again.
    shift = client.post(
        reverse("cases:roster_duty"), {"mediator": profile.user.pk, "day": "2026-09-15"}
    )
    assert shift.status_code == 200


def test_a_warning_or_public_notice_keeps_the_mediator_on_the_rotation(district, roster):
    on_duty(district, roster["med-a"])
    profile = roster["med-a"].mediator_profile
    for kind in (SanctionKind.WARNING, SanctionKind.PUBLIC_NOTICE):
        services_roster.sanction_impose(
            actor=district.centre_staff, profile=profile, kind=kind, reason="迟到"
        )
    profile.refresh_from_db()
    assert profile.status == MediatorStatus.ACTIVE
    assert rotation_pick(case=neighbour_case(district), day=DAY) == roster["med-a"]


def test_removal_takes_the_mediator_off_the_roster_and_their_future_shifts(
    district, roster, client
):
    future = datetime.date.today() + datetime.timedelta(days=3)
    on_duty(district, roster["med-b"], day=future)
    profile = roster["med-b"].mediator_profile

    services_roster.sanction_impose(
        actor=district.centre_staff, profile=profile, kind=SanctionKind.REMOVAL, reason="虚假调解"
    )

    profile.refresh_from_db()
    assert profile.status == MediatorStatus.REMOVED
    assert not DutyShift.objects.filter(mediator=roster["med-b"]).exists()
    client.force_login(district.centre_staff)
    listed = [p for p, _ in client.get(reverse("cases:roster")).context["rows"]]
    assert profile not in listed


def test_performance_record_counts_cases_success_rate_days_and_ratings(client, district, roster):
    mediator = district.grid_worker
    start = datetime.datetime(2026, 9, 14, 9, 0, tzinfo=datetime.UTC)
    outcomes = [Outcome.AGREEMENT, Outcome.TERMINATED, Outcome.AGREEMENT]
    for i, outcome in enumerate(outcomes):
        with time_machine.travel(start, tick=False):
            case = neighbour_case(district)
            services_case.case_accept(case=case, actor=district.street_staff, tier=Tier.MICRO)
            services_case.case_dispatch(
                case=case,
                actor=district.street_staff,
                organisation=district.grid,
                mediator=mediator,
            )
        with time_machine.travel(start + datetime.timedelta(days=2 * (i + 1)), tick=False):
            services_case.case_record_outcome(
                case=case,
                actor=mediator,
                outcome=outcome,
                summary="结果",
                reasons="r",
                other_routes="诉讼",
            )
            services_case.case_verify_close(case=case, actor=district.street_staff)
            for stars, party in zip((5, 3), case.parties.all(), strict=True):
                services_case.case_rate(case=case, party=party, stars=stars)
    open_case = neighbour_case(district)
    services_case.case_accept(case=open_case, actor=district.street_staff, tier=Tier.MICRO)
    services_case.case_dispatch(
        case=open_case, actor=district.street_staff, organisation=district.grid, mediator=mediator
    )

    perf = mediator_performance(mediator)

    assert (perf.cases_handled, perf.cases_open, perf.cases_closed) == (4, 1, 3)
    assert perf.agreements == 2
    assert perf.success_rate == pytest.approx(2 / 3)
    assert perf.average_days == 4.0  # 2, 4 and 6 days from dispatch to close
    assert (perf.average_rating, perf.ratings) == (4.0, 6)
    assert mediator_performance(roster["med-a"]).success_rate is None


def test_centre_adds_a_mediator_with_a_public_profile_and_the_court_reads_it(
    client, district, roster
):
    newcomer = staff("med-new", roster["invited"], Role.MEDIATOR)
    client.force_login(district.centre_staff)
    data = {
        "user": newcomer.pk,
        "organisation": roster["invited"].pk,
        "dispute_types": [DisputeType.LABOUR, DisputeType.DEBT],
        "specialties": "劳动争议",
        "scope": "经开区劳动报酬纠纷",
        "charges_fee": "on",
        "inviting_court": district.court.pk,
    }

    assert client.get(reverse("cases:roster_register")).status_code == 200
    response = client.post(reverse("cases:roster_register"), data)

    assert response.status_code == 302
    profile = newcomer.mediator_profile
    assert profile.dispute_types == [DisputeType.LABOUR, DisputeType.DEBT]
    assert profile.charges_fee and profile.inviting_court == district.court and profile.is_invited
    client.force_login(roster["clerk"])
    page = client.get(reverse("cases:roster_profile", args=[profile.pk])).content.decode()
    assert "经开区劳动报酬纠纷" in page and district.court.name in page
    assert client.get(reverse("cases:roster_register")).status_code == 403


def test_the_inviting_body_must_be_a_court(client, district, roster):
    profile = roster["med-a"].mediator_profile
    url = reverse("cases:roster_edit", args=[profile.pk])
    client.force_login(district.centre_staff)
    assert client.get(url).status_code == 200

    refused = client.post(
        url, {"dispute_types": ["neighbour"], "inviting_court": district.street.pk}
    )
    done = client.post(url, {"dispute_types": ["neighbour", "family"], "scope": "太湖街道"})

    assert refused.status_code == 200 and refused.context["form"].errors["inviting_court"]
    assert done.status_code == 302
    profile.refresh_from_db()
    assert profile.dispute_types == ["neighbour", "family"] and profile.scope == "太湖街道"
    assert profile.inviting_court is None and not profile.is_invited


def test_roster_page_queries_do_not_grow_with_the_roster(client, district, roster):
    client.force_login(district.centre_staff)
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("cases:roster")).status_code == 200
    for n in range(5):
        user = staff(f"med-extra{n}", roster["invited"], Role.MEDIATOR)
        services_roster.mediator_register(
            actor=district.centre_staff,
            user=user,
            organisation=roster["invited"],
            dispute_types=[DisputeType.DEBT],
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("cases:roster"))
    assert len(page.context["rows"]) == 9
    assert len(after) == len(before)
