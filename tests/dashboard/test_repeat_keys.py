"""The repeat warnings' sums (``mediation.dashboard.keys``): read from the rollup's
sums over the window that ends today, a warning is the one grouped from the window's
cases, for every user and organisation, before and after changes the refresh has not
counted yet, however they are written; and the sums move on with the day."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mediation import services
from mediation.dashboard import keys, rollup, warnings
from mediation.dashboard.filters import default_period
from mediation.dashboard.models import KeyDay, RecentKey, RollupLock, StaleDay
from mediation.models import Case, CaseParty, OrgKind, PartyRole, Person, Role
from tests.factories import make_id_number, natural, org, report_case, staff

from .conftest import dashboard

# Without an ID number or phone: never matched as a repeat party.
RESPONDENT = natural("对方", PartyRole.RESPONDENT, phone="")
ID_NUMBER = make_id_number("19700101")
PHONE = "13912340000"
ADDRESS = "新园社区7栋2单元"


def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def _case(org, days_ago: int, *, location=ADDRESS, grid=None, **party) -> Case:
    party = party or {"id_number": ID_NUMBER}
    return report_case(
        handling_org=org,
        parties=[RESPONDENT, natural("孙八", **{"phone": "13700001111", **party})],
        location=location,
        reported_at=_at(days_ago),
        **({"grid": grid} if grid else {}),
    )


@pytest.fixture
def history(district):
    """One party and one address in every part of the district, a phone-only party in
    and around the grid, a case out of the window, and a case of another street whose
    mediator is the first street's staff member (seen outside their subtree)."""
    d = district
    cases = [
        _case(d.street, 80),
        _case(d.street, 40),
        _case(d.community, 10),
        _case(d.other_street, 5),
        _case(d.district, 2, location="别处1号"),
        _case(d.grid, 30, phone=PHONE, location="别处2号"),
        # The grid's, handled by the street: the grid worker sees it outside their subtree.
        _case(d.street, 20, phone=PHONE, location="别处2号", grid=d.grid),
        _case(d.grid, 0, phone=PHONE, location="别处2号"),
        _case(d.street, 100),
        _case(d.other_street, 3, phone=PHONE, location="别处2号"),
    ]
    Case.objects.filter(pk=cases[-1].pk).update(mediator=d.street_staff)
    return cases


def _users(district, history) -> dict:
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    director = staff("director", district.district, Role.CENTRE_DIRECTOR)
    # Posts in two streets: two subtrees.
    two_streets = staff("two-streets", district.street, Role.CENTRE_STAFF)
    services.membership_grant(
        user=two_streets, organisation=district.other_street, role=Role.CENTRE_STAFF
    )
    # Justice staff see the cases of their committees' mediators, wherever handled.
    bureau = org("jk-sfj", OrgKind.JUSTICE_BUREAU, district.district, name="经开区司法局")
    committee = org("jk-sfj-tjw", OrgKind.MEDIATION_COMMITTEE, bureau, name="人民调解委员会")
    mediator = staff("committee-mediator", committee, Role.MEDIATOR)
    Case.objects.filter(pk__in=[history[i].pk for i in (1, 3, 6)]).update(mediator=mediator)
    # A street's staff member who is also its grid's worker: the grid's cases handled in
    # the street are in both, so the sums cannot add up.
    street_and_grid = staff("street-and-grid", district.street, Role.CENTRE_STAFF)
    services.membership_grant(
        user=street_and_grid, organisation=district.grid, role=Role.GRID_WORKER
    )
    return {
        "director": director,
        "centre": district.centre_staff,
        "street": district.street_staff,
        "other street": district.other_street_staff,
        "grid": district.grid_worker,
        "two streets": two_streets,
        "justice": staff("justice", bureau, Role.JUSTICE_STAFF),
        "street and grid": street_and_grid,
        "admin": admin,
    }


# The views whose warnings are grouped from the cases, not read from the sums: above
# the user's post, and subtrees that overlap.
GROUPED = {("street", "经开区矛盾纠纷调处化解中心"), ("street and grid", None)}


@pytest.fixture
def views(district, history) -> list[tuple[str, object, object]]:
    """(user's name, user, organisation chosen or None)."""
    users = _users(district, history)
    return [
        *((name, user, None) for name, user in users.items()),
        ("director", users["director"], district.street),
        ("admin", users["admin"], district.community),
        ("street", users["street"], district.street),
        ("street", users["street"], district.community),
        # Above their post: grouped from the cases, not from the sums.
        ("street", users["street"], district.district),
    ]


def _both(user, organisation, kind):
    """(from the sums or None, grouped from the cases), every key with a case."""
    period = default_period()
    period = warnings.Period(period.start, period.end, organisation)
    window = warnings.Window.ending()
    summed = keys.Reader(user, warnings.window_period(period, window)).repeated(kind, 1, 1000)
    grouped = list(
        keys.grouped(warnings.window_cases(user, period, window), kind).order_by(
            "-cases", "-last", "k_key"
        )
    )
    return summed, grouped


def _assert_the_sums_agree(district, views) -> int:
    """Every view's warnings from the sums are those grouped from the cases; the number
    of views the sums answered."""
    answered = 0
    for name, user, organisation in views:
        for kind in keys.KINDS:
            summed, grouped = _both(user, organisation, kind)
            where = (name, organisation and organisation.name, kind)
            if where[:2] in GROUPED:
                assert summed is None, where
                continue
            assert summed == grouped, where
            answered += 1
    return answered


def test_the_sums_give_every_user_the_warnings_the_cases_give(district, history, views):
    assert rollup.refresh() > 0
    assert RollupLock.objects.get().keys_as_of == timezone.localdate()
    assert not StaleDay.objects.exists()
    assert _assert_the_sums_agree(district, views) == 2 * (len(views) - len(GROUPED))
    # The party in five places: the district sees five, the street three (the case of
    # 100 days ago is out of the window).
    centre, street = district.centre_staff, district.street_staff
    assert _counts(centre, None) == {ID_NUMBER: 5, PHONE: 4}
    assert _counts(street, district.street) == {ID_NUMBER: 3, PHONE: 3}
    # The street's staff member also sees the other street's case they mediate.
    assert _counts(street, None) == {ID_NUMBER: 3, PHONE: 4}


def _counts(user, organisation) -> dict[str, int]:
    return {row["k_key"]: row["cases"] for row in _both(user, organisation, "party")[0]}


def test_changes_not_yet_counted_show_at_once_however_written(district, history, views):
    rollup.refresh()
    # Bulk updates and deletions, of cases, parties and people, today and in the past;
    # the party's first case in the window (80 days ago) loses the party.
    Case.objects.filter(pk=history[1].pk).update(location="别处2号")
    Case.objects.filter(pk=history[2].pk).update(reported_at=_at(1))
    CaseParty.objects.filter(case=history[0], role=PartyRole.APPLICANT).delete()
    # The phone's last case (today) is no longer theirs; an address is no more.
    person = CaseParty.objects.get(case=history[7], role=PartyRole.APPLICANT).person_id
    Person.objects.filter(pk=person).update(phone="13600000000")
    Case.objects.filter(pk=history[4].pk).update(location="别处3号")
    _case(district.street, 0)
    _case(district.community, 89, location="别处2号", phone="13500000000")
    assert StaleDay.objects.exists()
    _assert_the_sums_agree(district, views)
    assert rollup.refresh() > 0
    assert not StaleDay.objects.exists()
    _assert_the_sums_agree(district, views)


def test_a_changed_identity_marks_the_persons_days_stale(district, history):
    rollup.refresh()
    person = CaseParty.objects.get(case=history[5], role=PartyRole.APPLICANT).person_id
    Person.objects.filter(pk=person).update(name="孙八八")
    assert not StaleDay.objects.exists()
    Person.objects.filter(pk=person).update(phone="13900000000")
    assert StaleDay.objects.count() == 1


def test_the_sums_move_on_with_the_day_and_forget_the_days_out_of_the_window(district, history):
    rollup.refresh()
    today = timezone.localdate()
    assert KeyDay.objects.filter(day=today - datetime.timedelta(days=80)).exists()
    later = today + datetime.timedelta(days=15)
    assert keys.slide(later)
    assert not keys.slide(later)
    since = later - datetime.timedelta(days=keys.WINDOW_DAYS - 1)
    assert not KeyDay.objects.filter(day__lt=since).exists()
    # The party's cases since then, in every case: those of 40, 10, 5 and 2 days ago.
    party = RecentKey.objects.get(node=0, kind="party", key=ID_NUMBER)
    assert party.cases == 4
    assert party.first == timezone.localdate(_at(40))
    # Moved on by the keys of the days that left: as if every key were summed again.
    moved = set(RecentKey.objects.values_list("kind", "key", "node", "cases", "first", "last"))
    RollupLock.objects.update(keys_as_of=None)
    assert keys.slide(later)
    assert set(RecentKey.objects.values_list("kind", "key", "node", "cases", "first", "last")) == (
        moved
    )
    # Not today's sums: the warnings are grouped from the cases.
    assert _both(district.centre_staff, None, "party")[0] is None


def test_a_warning_is_of_the_90_days_up_to_today_whatever_the_period(client, district, history):
    rollup.refresh()
    today = timezone.localdate()
    last_year = {"start": f"{today.year - 1}-01-01", "end": f"{today.year - 1}-12-31"}
    tables = dashboard(client, district.centre_staff, **last_year)
    assert tables["overview"].rows[0][1].value == 0  # no case reported last year
    rows = tables["warnings_party"].rows
    assert [(row[0].text, row[2].value) for row in rows] == [("孙八", 5), ("孙八", 4)]


def test_a_window_the_sums_have_not_reached_is_grouped_from_the_cases(district, history):
    rollup.refresh()
    period = default_period()
    tomorrow = warnings.Window.ending(timezone.localdate() + datetime.timedelta(days=1))
    reader = keys.Reader(district.centre_staff, warnings.window_period(period, tomorrow))
    assert reader.repeated("party", 1, 10) is None


def test_a_backlog_is_counted_day_by_day_and_summed_once_at_the_end(
    district, history, views, monkeypatch
):
    monkeypatch.setattr(rollup, "DAYS_PER_STEP", 2)
    # The first step of a backlog: the sums are of no day, the cases answer.
    assert rollup.refresh(max_steps=1) == 2
    assert RollupLock.objects.get().keys_as_of is None
    assert _both(district.centre_staff, None, "party")[0] is None
    rollup.refresh()
    assert not StaleDay.objects.exists()
    assert RollupLock.objects.get().keys_as_of == timezone.localdate()
    assert _assert_the_sums_agree(district, views) == 2 * (len(views) - len(GROUPED))


def test_a_day_recounted_across_midnight_is_summed_and_moved_on(district, history, views):
    rollup.refresh()
    # A refresh that began yesterday recounts a changed day after midnight, while the
    # sums are still of yesterday's window; the next refresh moves them on.
    RollupLock.objects.update(keys_as_of=timezone.localdate() - datetime.timedelta(days=1))
    Case.objects.filter(pk=history[1].pk).update(location="别处2号")
    rollup._recount([timezone.localdate(history[1].reported_at)])
    assert not StaleDay.objects.exists()
    assert keys.slide()
    assert _assert_the_sums_agree(district, views) == 2 * (len(views) - len(GROUPED))
