"""The repeat warnings' list (``mediation.dashboard.models.RepeatCase``): it holds the
cases with two others of their party or address within 89 days, and a warning made by
a change it has not seen yet shows at once, however the change is written."""

import datetime

from django.utils import timezone

from mediation.dashboard import rollup
from mediation.dashboard.models import RepeatCase, StaleDay
from mediation.models import Case, CaseParty, PartyRole, Person
from tests.factories import natural, report_case

from .conftest import dashboard

# Without an ID number or phone: never matched as a repeat party.
RESPONDENT = natural("对方", PartyRole.RESPONDENT, phone="")
ADDRESS = "新园社区7栋2单元"
PHONE = "13912340000"


def _case(district, days_ago: int, *, phone=PHONE, location=ADDRESS) -> Case:
    case = report_case(
        handling_org=district.street,
        parties=[RESPONDENT, natural("孙八", phone=phone)],
        location=location,
    )
    # Written as a bulk update, as the triggers must see it.
    at = timezone.now() - datetime.timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(reported_at=at)
    case.reported_at = at
    return case


def _listed(kind: str) -> set[int]:
    return set(RepeatCase.objects.filter(kind=kind).values_list("case_id", flat=True))


def _warnings(client, user) -> dict[str, list[tuple[str, int]]]:
    tables = dashboard(client, user)
    return {
        kind: [(row[0].text, row[-3].value) for row in tables[f"warnings_{kind}"].rows]
        for kind in ("party", "address")
    }


def test_only_cases_with_two_others_of_their_key_within_89_days_are_listed(district):
    # 200 and 1 days ago: one other within 89 days each; 120 and 60: two others each.
    cases = {days: _case(district, days) for days in (200, 120, 60, 1)}
    rollup.refresh()
    expected = {cases[120].pk, cases[60].pk}
    assert _listed("party") == expected
    assert _listed("address") == expected
    assert set(RepeatCase.objects.values_list("key", flat=True)) == {PHONE, ADDRESS}


def test_a_warning_made_after_the_refresh_shows_at_once_and_after_the_next(client, district):
    _case(district, 30)
    _case(district, 10)
    third = _case(district, 5, phone="13800000009", location="别处")
    rollup.refresh()
    assert _listed("party") == _listed("address") == set()
    user = district.street_staff
    assert _warnings(client, user) == {"party": [], "address": []}

    # Bulk updates: the address of the case, the phone of its party.
    Case.objects.filter(pk=third.pk).update(location=ADDRESS)
    person = CaseParty.objects.get(case=third, role=PartyRole.APPLICANT).person_id
    Person.objects.filter(pk=person).update(phone=PHONE)
    expected = {"party": [("孙八", 3)], "address": [(ADDRESS, 3)]}
    assert _warnings(client, user) == expected

    rollup.refresh()
    assert not StaleDay.objects.exists()
    assert len(_listed("party")) == len(_listed("address")) == 3
    assert _warnings(client, user) == expected


def test_a_new_case_completes_a_warning_before_the_refresh(client, district):
    _case(district, 40)
    _case(district, 20)
    rollup.refresh()
    _case(district, 0)
    assert _warnings(client, district.street_staff) == {
        "party": [("孙八", 3)],
        "address": [(ADDRESS, 3)],
    }


def test_a_case_moved_away_leaves_the_list_at_the_next_refresh(client, district):
    cases = [_case(district, days) for days in (50, 30, 10)]
    rollup.refresh()
    assert _listed("address") == {case.pk for case in cases}
    Case.objects.filter(pk=cases[0].pk).update(location="别处")
    assert _warnings(client, district.street_staff)["address"] == []
    rollup.refresh()
    assert _listed("address") == set()
    assert len(_listed("party")) == 3


def test_changing_a_persons_identity_makes_their_cases_days_stale(district):
    case = _case(district, 3)
    StaleDay.objects.all().delete()
    person = Person.objects.filter(pk=Person.objects.get(case_parties__case=case, name="孙八").pk)
    person.update(name="孙八八")  # not how a party is recognised: nothing to recount
    assert not StaleDay.objects.exists()
    person.update(phone="13700000000")
    assert list(StaleDay.objects.values_list("reported_at", flat=True)) == [case.reported_at]
