"""The rollup (``mediation.dashboard.models.DayFigures``) gives the figures the cases
give, whatever has been counted yet; the database marks a day stale whenever a figure
of one of its cases changes, however the change is written."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from mediation.dashboard import rollup
from mediation.dashboard.filters import Period
from mediation.dashboard.models import DayFigures, StaleDay
from mediation.dashboard.tables import TABLES, Dashboard
from mediation.models import Case, CaseParty, CaseRating, CaseStatus, Outcome

from .conftest import TODAY

PERIOD = Period(datetime.date(2025, 4, 1), TODAY)
USERS = ("director", "street", "committee", "grid", "justice", "admin")


def _tables(username) -> dict:
    user = get_user_model().objects.get(username=username)
    board = Dashboard(user, PERIOD)
    return {
        slug: [[(cell.text, cell.value) for cell in row] for row in build(board).rows]
        for slug, build in TABLES.items()
    }


def _everything_from_the_cases() -> None:
    """Forget the rollup: every day stale, as before its first refresh."""
    DayFigures.objects.all().delete()
    StaleDay.objects.bulk_create(
        StaleDay(reported_at=at) for at in Case.objects.values_list("reported_at", flat=True)
    )


def _stale_days() -> set[datetime.date]:
    return {
        timezone.localtime(at).date()
        for at in StaleDay.objects.values_list("reported_at", flat=True)
    }


@pytest.mark.parametrize("demo", ["from the cases"], indirect=True)
def test_every_table_of_every_role_is_the_same_from_the_rollup_as_from_the_cases(demo):
    from_cases = {username: _tables(username) for username in USERS}
    assert rollup.refresh() > 0
    assert not StaleDay.objects.exists()
    assert DayFigures.objects.exists()
    assert {username: _tables(username) for username in USERS} == from_cases
    # Its rows are few: fewer than the cases, though each case is in several breakdowns.
    assert DayFigures.objects.filter(dimension="").count() < Case.objects.count()


@pytest.mark.parametrize("demo", ["from the cases"], indirect=True)
def test_a_day_changed_after_the_count_is_read_from_the_cases_until_recounted(demo):
    rollup.refresh()
    case = Case.objects.filter(status=CaseStatus.CLOSED).order_by("-reported_at").first()
    # Written as bulk updates and inserts: no signal, no save().
    Case.objects.filter(pk=case.pk).update(
        outcome=Outcome.TERMINATED if case.outcome == Outcome.AGREEMENT else Outcome.AGREEMENT
    )
    party = CaseParty.objects.filter(case=case).first()
    CaseRating.objects.bulk_create([CaseRating(case=case, party=party, stars=1, comment="")])
    assert _stale_days() == {timezone.localtime(case.reported_at).date()}
    mixed = {username: _tables(username) for username in USERS}
    _everything_from_the_cases()
    from_cases = {username: _tables(username) for username in USERS}
    assert mixed == from_cases
    rollup.refresh()
    assert {username: _tables(username) for username in USERS} == from_cases


def test_changing_deleting_and_moving_a_case_makes_its_days_stale(district):
    from tests.factories import report_case

    case = report_case(handling_org=district.street)
    StaleDay.objects.all().delete()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert StaleDay.objects.count() == 1
    earlier = case.reported_at - datetime.timedelta(days=40)
    Case.objects.filter(pk=case.pk).update(reported_at=earlier)
    assert set(StaleDay.objects.values_list("reported_at", flat=True)) >= {
        case.reported_at,
        earlier,
    }
    StaleDay.objects.all().delete()
    CaseParty.objects.filter(case=case).delete()
    assert set(StaleDay.objects.values_list("reported_at", flat=True)) == {earlier}


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE 'dashboard_stale_%%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'dashboard_stale_%'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_a_figure_reads_has_the_trigger(db):
    from django.test.utils import CaptureQueriesContext

    from mediation.dashboard import figures

    with CaptureQueriesContext(connection) as counted:
        for dimension in figures.DIMENSIONS:
            figures.grouped(Case.objects.all(), dimension, {}, figures.aggregates())
    sql = " ".join(query["sql"] for query in counted.captured_queries)
    tables = set(connection.introspection.table_names())
    read = {name for name in re.findall(r'"(\w+)"', sql) if name in tables}
    # The cases, parties, ratings, the five diagnoses' records, the referrals, documents.
    assert len(read) >= 12
    assert read <= _triggers()


def test_a_refresh_counts_each_stale_day_once_and_empties_the_log(district):
    from tests.factories import report_case

    for days_ago in (0, 0, 3, 30):
        case = report_case(handling_org=district.street)
        Case.objects.filter(pk=case.pk).update(
            reported_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    assert rollup.refresh() == 3
    assert not StaleDay.objects.exists()
    assert rollup.refresh() == 0
    totals = DayFigures.objects.filter(dimension="")
    assert sum(totals.values_list("reported", flat=True)) == 4


def _amount_agreed(client, user) -> str:
    from .conftest import dashboard, overview

    return overview(dashboard(client, user))["Amount agreed in the agreements (yuan)"]


def test_amount_agreed_sums_the_agreements_in_effect_before_and_after_the_count(client, district):
    from decimal import Decimal

    from documents.models import Document, DocumentStatus
    from tests.documents.render_factories import make_agreement, make_case

    signed = make_agreement(make_case(district), effective_at=timezone.now())
    make_agreement(
        signed.case,
        agreed_amount=Decimal("999"),
        effective_at=timezone.now(),
        status=DocumentStatus.SUPERSEDED,
    )
    draft = make_agreement(make_case(district), agreed_amount=Decimal("800.00"))
    assert _amount_agreed(client, district.street_staff) == Decimal("3000.00")
    rollup.refresh()
    assert _amount_agreed(client, district.street_staff) == Decimal("3000.00")
    # Every party signs the draft: its case's day is stale, read from the cases.
    Document.objects.filter(pk=draft.pk).update(effective_at=timezone.now())
    assert StaleDay.objects.exists()
    assert _amount_agreed(client, district.street_staff) == Decimal("3800.00")
    rollup.refresh()
    assert not StaleDay.objects.exists()
    assert _amount_agreed(client, district.street_staff) == Decimal("3800.00")


def test_overdue_read_from_the_rollup_follows_today_without_a_recount(client, district):
    from tests.factories import report_case

    from .conftest import dashboard, overview

    today = timezone.localdate()
    for due in (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)):
        case = report_case(handling_org=district.street)
        Case.objects.filter(pk=case.pk).update(due_at=due)
    closed = report_case(handling_org=district.street)
    Case.objects.filter(pk=closed.pk).update(
        due_at=today - datetime.timedelta(days=1), status=CaseStatus.CLOSED
    )
    rollup.refresh()
    assert overview(dashboard(client, district.street_staff))["Cases overdue"] == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert not StaleDay.objects.exists()
        assert overview(dashboard(client, district.street_staff))["Cases overdue"] == 2
