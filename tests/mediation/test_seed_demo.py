import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from mediation import services
from mediation.demo_data import DEMO_LOGINS, DEMO_PASSWORD, LOGIN_SPECS
from mediation.models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseNumberSequence,
    CaseParty,
    CaseStatus,
    Channel,
    DisputeType,
    MediatorProfile,
    Membership,
    Organisation,
    OrgKind,
    PartyRole,
    Person,
    Role,
    Tier,
)
from mediation.models.cases import FINAL_STATUSES
from mediation.validators import validate_credit_code, validate_id_number, validate_phone
from tests.factories import natural

TODAY = datetime.date(2026, 11, 21)
MODELS = (
    Organisation,
    get_user_model(),
    Membership,
    MediatorProfile,
    Person,
    Case,
    CaseParty,
    AuditEvent,
    CaseNumberSequence,
)


def seed(cases=240, seed=2026, today=TODAY, batch_size=5000) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo",
        cases=cases,
        seed=seed,
        today=today.isoformat(),
        batch_size=batch_size,
        # The history alone; tests/workflows/test_demo_flows.py covers the flows' cases.
        flows=False,
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def dump() -> list[tuple]:
    """Everything a run decides, without primary keys."""
    cases = Case.objects.order_by("number").values_list(
        "number", "title", "description", "status", "tier", "dispute_type", "channel",
        "outcome", "amount", "handling_org__code", "grid__code", "reported_at", "accepted_at",
        "due_at", "closed_at", "is_priority", "reported_by__username",
    )  # fmt: skip
    parties = CaseParty.objects.order_by("case__number", "id").values_list(
        "case__number", "role", "person__name", "person__id_number", "person__phone",
        "person__address", "agent__name", "agent_relation",
    )  # fmt: skip
    events = AuditEvent.objects.filter(case__isnull=False).order_by("case__number", "at", "id")
    return [
        *cases,
        *parties,
        *events.values_list("case__number", "action", "actor__username", "at", "data"),
    ]


@pytest.fixture
def seeded(db):
    return seed()


def test_seed_demo_is_idempotent(seeded):
    before = counts()
    seed()
    assert counts() == before
    assert before["Case"] == 240


def test_seed_demo_with_more_cases_adds_only_the_missing_ones(db):
    seed(cases=100)
    first = set(Case.objects.values_list("number", "title", "status"))
    seed(cases=150)
    assert Case.objects.count() == 150
    assert first <= set(Case.objects.values_list("number", "title", "status"))


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_deterministic_for_a_seed():
    # Small batches: on PostgreSQL a child process makes the cases; in one batch, this one.
    seed(cases=120, batch_size=25)
    first = dump()
    call_command("flush", interactive=False, verbosity=0)
    seed(cases=120)
    assert dump() == first
    call_command("flush", interactive=False, verbosity=0)
    seed(cases=120, seed=7)
    assert dump() != first


def test_seed_demo_creates_a_login_for_every_role(seeded):
    User = get_user_model()
    by_name = {s.username: s for s in LOGIN_SPECS}
    assert {s.role for s in LOGIN_SPECS} - {""} == set(Role.values)
    for username, _, organisation in DEMO_LOGINS:
        user = User.objects.get(username=username)
        if by_name[username].role:
            # A Chinese name reads surname-first with no space: 孙德明, not "德明 孙".
            full_name = user.get_full_name()
            assert 2 <= len(full_name) <= 4 and " " not in full_name
            assert Membership.objects.filter(
                user=user, role=by_name[username].role, organisation__name=organisation
            ).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    logins = User.objects.filter(username__in=by_name)
    assert len({u.password for u in logins}) == 1, "every demo login shares the password"


def test_demo_logins_command_prints_every_login_and_the_password():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()
    for username, role, organisation in DEMO_LOGINS:
        assert username in printed and role in printed and organisation in printed
    assert DEMO_PASSWORD in printed


def test_seed_demo_district_has_the_required_organisations(seeded):
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds[OrgKind.DISTRICT_CENTRE] == 1
    assert kinds[OrgKind.STREET_CENTRE] == 3
    assert kinds[OrgKind.COMMITTEE] >= 10
    assert kinds[OrgKind.GRID] >= 30
    assert kinds[OrgKind.COURT] == 1 and kinds[OrgKind.COURT_MEDIATION_CENTRE] == 1
    assert kinds[OrgKind.POLICE_STATION] == 2
    assert kinds[OrgKind.JUSTICE_BUREAU] == 1 and kinds[OrgKind.JUSTICE_OFFICE] == 3
    assert kinds[OrgKind.MEDIATION_COMMITTEE] >= 3
    assert kinds[OrgKind.PETITION_BUREAU] == 1
    assert kinds[OrgKind.INVITED_ORGANISATION] >= 3
    assert kinds[OrgKind.DEPARTMENT] >= 3
    district = Organisation.objects.get(code="jk")
    assert (district.name, district.short_name) == ("经开区矛盾纠纷调处化解中心", "经开")
    streets = Organisation.objects.filter(kind=OrgKind.STREET_CENTRE)
    assert len({s.short_name for s in streets}) == 3 and all(s.parent == district for s in streets)
    court_centre = Organisation.objects.get(kind=OrgKind.COURT_MEDIATION_CENTRE)
    assert court_centre.parent.kind == OrgKind.COURT
    for grid in Organisation.objects.filter(kind=OrgKind.GRID):
        assert grid.parent.kind == OrgKind.COMMITTEE and grid.parent.parent.kind == "street_centre"
    assert AuditEvent.objects.filter(action=AuditAction.ORGANISATION_CREATED).count() == sum(
        kinds.values()
    )


def test_seed_demo_registers_mediators_on_the_roster(seeded):
    profiles = MediatorProfile.objects.select_related("user", "organisation")
    assert profiles.count() >= 12
    assert {p.is_invited for p in profiles} == {True, False}
    assert any(p.charges_fee for p in profiles)
    for profile in profiles:
        assert profile.organisation.kind in (
            OrgKind.MEDIATION_COMMITTEE,
            OrgKind.INVITED_ORGANISATION,
        )
        assert profile.is_invited == (profile.organisation.kind == OrgKind.INVITED_ORGANISATION)
        assert profile.dispute_types and set(profile.dispute_types) <= set(DisputeType.values)
        assert profile.specialties and profile.bio
        assert Membership.objects.filter(
            user=profile.user, organisation=profile.organisation, role=Role.MEDIATOR
        ).exists()


def test_seeded_case_numbers_have_no_gaps_per_centre_and_year(seeded):
    serials = defaultdict(list)
    for case in Case.objects.select_related("centre", "handling_org"):
        serials[(case.centre, case.year)].append(case.serial)
        assert case.centre == services.registering_centre(case.handling_org)
        assert case.year == timezone.localtime(case.reported_at).year
        assert case.number == services.case_number_format(
            centre=case.centre, year=case.year, serial=case.serial
        )
    assert len({centre for centre, _ in serials}) == 4
    for (centre, year), numbers in serials.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert CaseNumberSequence.objects.get(centre=centre, year=year).last_serial == len(numbers)
    # Numbers follow the order in which cases came in.
    for centre_year in serials:
        in_time = Case.objects.filter(centre=centre_year[0], year=centre_year[1])
        assert list(in_time.order_by("reported_at").values_list("serial", flat=True)) == sorted(
            serials[centre_year]
        )


def test_case_report_after_seeding_continues_the_numbering(seeded):
    grid = Organisation.objects.get(code="jk-th-xy-01")
    street = grid.parent.parent
    year = TODAY.year
    last = Case.objects.filter(centre=street, year=year).count()
    case = services.case_report(
        actor=None,
        reported_at=timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9))),
        handling_org=grid,
        title="楼上漏水纠纷",
        description="楼上住户卫生间漏水。",
        dispute_type=DisputeType.NEIGHBOUR,
        channel=Channel.WALK_IN,
        parties=[natural("张三"), natural("李四", PartyRole.RESPONDENT, phone="")],
    )
    assert case.centre == street and case.serial == last + 1
    assert case.number == f"（{year}）经开太湖调字第{last + 1:05d}号"


def test_seeded_ids_pass_their_checksums(seeded):
    people = Person.objects.all()
    assert people.exclude(id_number="").count() > 100
    assert people.exclude(credit_code="").count() > 20
    for person in people:
        if person.id_number:
            validate_id_number(person.id_number)
            assert person.kind == "natural"
        if person.credit_code:
            validate_credit_code(person.credit_code)
            assert person.kind == "legal" and person.legal_representative
        if person.phone:
            validate_phone(person.phone)


def test_seed_demo_covers_every_status_tier_type_and_channel(seeded):
    cases = Case.objects.all()
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(cases.values_list("tier", flat=True)) == set(Tier.values)
    assert set(cases.values_list("dispute_type", flat=True)) == set(DisputeType.values)
    assert set(cases.values_list("channel", flat=True)) == set(Channel.values)
    closed = cases.filter(status=CaseStatus.CLOSED)
    assert set(closed.values_list("outcome", flat=True)) == {"agreement", "terminated"}
    handlers = set(cases.values_list("handling_org__kind", flat=True))
    assert handlers == {"grid", "residents_committee", "street_centre", "district_centre"}
    first, last = cases.order_by("reported_at")[0], cases.order_by("-reported_at")[0]
    assert (TODAY - timezone.localdate(first.reported_at)).days > 450
    assert timezone.localdate(last.reported_at) < TODAY
    assert cases.filter(grid__isnull=False).count() > 0.8 * cases.count()
    open_cases = cases.exclude(status__in=FINAL_STATUSES)
    assert open_cases.filter(due_at__lt=TODAY).exists(), "some open cases are overdue"
    assert open_cases.filter(due_at__gte=TODAY).exists()
    assert 0 < cases.filter(is_priority=True).count() < cases.count() / 2


HANDLER_KIND = {"micro": "grid", "small": "residents_committee", "medium": "street_centre"}
STATUS_EVENTS = {
    CaseStatus.REPORTED: [],
    CaseStatus.ACCEPTED: ["case.accepted"],
    CaseStatus.DISPATCHED: ["case.accepted", "case.dispatched"],
    CaseStatus.MEDIATING: ["case.accepted", "case.dispatched", "case.mediating"],
    CaseStatus.VERIFYING: ["case.accepted", "case.dispatched", "case.mediating", "case.outcome"],
    CaseStatus.CLOSED: [
        "case.accepted", "case.dispatched", "case.mediating", "case.outcome", "case.closed",
    ],
    CaseStatus.REJECTED: ["case.rejected"],
    CaseStatus.REDIRECTED: ["case.redirected"],
    CaseStatus.MERGED: ["case.merged"],
}  # fmt: skip


def test_seeded_case_history_matches_its_status(seeded):
    end = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time()))
    parties = defaultdict(list)
    for party in CaseParty.objects.select_related("person"):
        parties[party.case_id].append(party)
    events = defaultdict(list)
    for event in AuditEvent.objects.filter(case__isnull=False).order_by("at", "id"):
        events[event.case_id].append(event)
    for case in Case.objects.select_related("handling_org"):
        roles = [p.role for p in parties[case.pk]]
        assert PartyRole.APPLICANT in roles and PartyRole.RESPONDENT in roles
        assert case.is_priority == any(p.person.special_groups for p in parties[case.pk])
        assert case.handling_org.kind == HANDLER_KIND.get(case.tier, "district_centre")
        history = events[case.pk]
        actions = [e.action for e in history]
        assert actions[: 1 + len(roles)] == ["case.reported"] + ["party.added"] * len(roles)
        assert history[0].at == case.reported_at and history[0].data["number"] == case.number
        assert actions[1 + len(roles) :] == STATUS_EVENTS[case.status], case.number
        assert all(e.at < end for e in history)
        assert case.due_at > timezone.localdate(case.reported_at)
        assert (case.accepted_at is not None) == ("case.accepted" in actions)
        if case.accepted_at:
            assert case.accepted_at == history[actions.index("case.accepted")].at
        assert (case.closed_at is not None) == (case.status in FINAL_STATUSES)
        if case.closed_at:
            assert case.closed_at == history[-1].at
        assert bool(case.outcome) == (case.status in (CaseStatus.VERIFYING, CaseStatus.CLOSED))
    merged = AuditEvent.objects.filter(action=AuditAction.CASE_MERGED)
    assert any(Case.objects.filter(number=e.data["into"]).exists() for e in merged)


def test_seeded_parties_sometimes_come_back_within_ninety_days(seeded):
    dates = defaultdict(list)
    for person, at in CaseParty.objects.filter(person__kind="natural").values_list(
        "person_id", "case__reported_at"
    ):
        dates[person].append(at)
    window = datetime.timedelta(days=90)
    repeaters = [
        person
        for person, times in dates.items()
        if any(b - a <= window for a, b in zip(sorted(times), sorted(times)[2:], strict=False))
    ]
    assert repeaters, "some party has three disputes within ninety days"
    assert CaseParty.objects.exclude(agent=None).exists()
