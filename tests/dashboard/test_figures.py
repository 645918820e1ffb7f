"""The dashboard's figures are the counts of the cases the user sees, as a direct count
over the same cases finds them."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Sum
from django.utils import timezone

from mediation.models import Case, CaseParty, CaseRating, CaseStatus, DisputeType, Outcome, Tier
from mediation.models.cases import FINAL_STATUSES

from .conftest import WHOLE_HISTORY, dashboard, overview


def _period_cases():
    start = timezone.make_aware(datetime.datetime(2025, 4, 1))
    end = timezone.make_aware(datetime.datetime(2026, 11, 22))
    return Case.objects.filter(reported_at__gte=start, reported_at__lt=end)


def _director():
    return get_user_model().objects.get(username="director")


def test_demo_district_overview_agrees_with_a_direct_count(client, demo):
    tables = dashboard(client, _director(), **WHOLE_HISTORY)
    figures = overview(tables)
    cases = _period_cases()
    closed = cases.filter(status=CaseStatus.CLOSED)
    agreements = closed.filter(outcome=Outcome.AGREEMENT)
    accepted = cases.filter(accepted_at__isnull=False)
    ratings = CaseRating.objects.filter(case__in=cases)
    overdue = cases.exclude(status__in=FINAL_STATUSES).filter(due_at__lt=timezone.localdate())

    assert cases.count() > 200
    assert figures["Cases reported"] == cases.count()
    assert figures["Cases accepted"] == accepted.count()
    assert figures["Cases closed"] == closed.count()
    assert figures["Cases overdue"] == overdue.count()
    assert figures["Closure rate (closed among accepted)"] == round(
        100 * closed.count() / accepted.count(), 1
    )
    assert figures["Success rate (agreements among closed)"] == round(
        100 * agreements.count() / closed.count(), 1
    )
    days = sum((c.closed_at - c.reported_at).total_seconds() for c in closed) / 86400
    assert figures["Average days to close"] == round(days / closed.count(), 1)
    assert figures["Ratings received"] == ratings.count() > 0
    assert figures["Five-star share"] == round(
        100 * ratings.filter(stars=5).count() / ratings.count(), 1
    )
    assert figures["Average rating (stars)"] == round(ratings.aggregate(a=Avg("stars"))["a"], 2)
    assert figures["Parties involved"] == CaseParty.objects.filter(case__in=cases).count()
    assert figures["Amount in dispute (yuan)"] == cases.aggregate(s=Sum("amount"))["s"]
    assert (
        figures["Amount in dispute of the agreements (yuan)"]
        == (agreements.aggregate(s=Sum("amount"))["s"])
    )


def test_demo_district_breakdowns_agree_with_a_direct_count(client, demo):
    tables = dashboard(client, _director(), **WHOLE_HISTORY)
    cases = _period_cases()
    by_type = {row[0].text: row[1].value for row in tables["dispute_type"].rows}
    direct = dict(cases.values_list("dispute_type").annotate(n=Count("pk")))
    assert by_type == {str(DisputeType(key).label): n for key, n in direct.items()}

    by_tier = {row[0].text: row[1].value for row in tables["tier"].rows}
    direct = dict(cases.values_list("tier").annotate(n=Count("pk")))
    assert sum(by_tier.values()) == cases.count()
    for tier, n in direct.items():
        if tier:
            assert by_tier[str(Tier(tier).label)] == n

    # Every case is handled in the district: the organisations' rows add up to all.
    assert sum(row[1].value for row in tables["organisation"].rows) == cases.count()
    # The trend's months add up to the period.
    assert sum(row[1].value for row in tables["trend"].rows) == cases.count()
    assert sum(row[3].value for row in tables["trend"].rows) == (
        cases.filter(status=CaseStatus.CLOSED).count()
    )
    ratings = CaseRating.objects.filter(case__in=cases)
    assert sum(row[9].value for row in tables["trend"].rows) == ratings.count() > 0


def test_referral_sources_count_the_referred_channels(client, demo):
    tables = dashboard(client, _director(), **WHOLE_HISTORY)
    cases = _period_cases()
    reported = [row[1].value for row in tables["referral"].rows]
    assert reported == [
        cases.filter(channel=channel).count() for channel in ("court", "police_110", "petition")
    ]


def test_mediator_performance_counts_each_mediators_cases(client, demo):
    tables = dashboard(client, _director(), **WHOLE_HISTORY)
    cases = _period_cases().filter(mediator__isnull=False)
    handled = sorted((row[1].value for row in tables["mediators"].rows), reverse=True)
    direct = sorted(
        cases.values("mediator").annotate(n=Count("pk")).values_list("n", flat=True),
        reverse=True,
    )
    assert handled == direct
    closed = sum(row[2].value for row in tables["mediators"].rows)
    assert closed == cases.filter(status=CaseStatus.CLOSED).count()
    rated = sum(row[6].value for row in tables["mediators"].rows)
    assert rated == CaseRating.objects.filter(case__in=cases).count() > 0


def test_the_default_period_is_this_year(client, demo):
    client.force_login(_director())
    response = client.get("/dashboard/")
    period = response.context["period"]
    today = timezone.localdate()
    assert (period.start, period.end) == (today.replace(month=1, day=1), today)
    start = timezone.make_aware(datetime.datetime(today.year, 1, 1))
    this_year = Case.objects.filter(reported_at__gte=start).count()
    assert overview({t.slug: t for t in response.context["tables"]})["Cases reported"] == (
        this_year
    )


def test_a_period_ending_before_it_starts_is_refused_with_the_default_shown(client, demo):
    client.force_login(_director())
    response = client.get("/dashboard/", {"start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "The end of the period cannot be before its start." in response.content.decode()
    assert response.context["period"].start == timezone.localdate().replace(month=1, day=1)


def test_overdue_counts_open_cases_past_their_due_date_only(client, district):
    from tests.factories import report_case

    late = report_case(handling_org=district.street)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.localdate() - datetime.timedelta(1))
    done = report_case(handling_org=district.street)
    Case.objects.filter(pk=done.pk).update(
        due_at=timezone.localdate() - datetime.timedelta(1), status=CaseStatus.CLOSED
    )
    report_case(handling_org=district.street)
    figures = overview(dashboard(client, district.street_staff))
    assert figures["Cases reported"] == 3
    assert figures["Cases overdue"] == 1
