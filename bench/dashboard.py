"""The statistics dashboard's queries at 100k and 1M cases, on PostgreSQL (issue 7).

For a centre director (the whole district), a street centre's staff member, a grid
worker, a justice office's staff member, and the director again with the last day's
cases stale (as today's are until the worker's next refresh) it builds every table of
the dashboard (``mediation.dashboard.tables.TABLES``) over the default period (this
year) and prints, per table, its queries and the database milliseconds of its slowest
query (median and 95th percentile over the runs) and of the whole table. The target:
no query above 200 ms at a million cases.

Each size has a database of its own that is kept between runs
(``mediation_dashbench_<size>`` on the server of ``DATABASE_URL``; ``BENCH_DASHBOARD_DB``
changes the prefix), seeded by ``seed_demo --no-flows`` (a million cases take about a
quarter of an hour) and then given, in a few SQL statements, what the bulk history lacks
and the figures read: the mediator named on each mediated case (from the audit trail),
ratings for most closed cases, and the five diagnoses' records on a share of cases.
``BENCH_DASHBOARD_SIZES`` (default ``100000,1000000``) sets the sizes and
``BENCH_DASHBOARD_RUNS`` (default 10) the runs.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scratch  # noqa: E402

# (label, login, whether the last day's cases are stale, as today's are until the
# worker's next refresh: a minute at most after a change).
USERS = (
    ("director", "director", False),
    ("street-centre staff", "street", False),
    ("grid worker", "grid", False),
    ("justice staff", "justice", False),
    ("director, last day stale", "director", True),
)
TARGET_MS = 200


def _bench_url(size: int) -> str | None:
    return scratch.bench_url(size, "BENCH_DASHBOARD_DB", "mediation_dashbench")


def main() -> None:
    sizes = scratch.sizes("BENCH_DASHBOARD_SIZES")
    if _bench_url(sizes[0]) is None:
        print("statistics dashboard: PostgreSQL only (set DATABASE_URL); skipped")
        return
    runs = int(os.environ.get("BENCH_DASHBOARD_RUNS", "10"))
    print()
    print(
        f"statistics dashboard, default period (this year), database ms over {runs} runs: "
        f"the slowest query of each table (p50 / p95) and the whole table (p50)"
    )
    print(
        f"| {'cases':>9} | {'user':24} | {'in scope':>8} | {'table':16} | {'queries':>7} "
        f"| {'slowest p50':>11} | {'slowest p95':>11} | {'table p50':>9} |"
    )
    print("|" + "|".join("-" * width for width in (11, 26, 10, 18, 9, 13, 13, 11)) + "|")
    sys.stdout.flush()
    for size in sizes:
        scratch.run_size(__file__, size, _bench_url(size))


# What the bulk history lacks, added once (each statement checks it is not done yet).
ENRICH = (
    # The mediator of each mediated case, from the audit trail (as the demo's seeder does).
    """
    UPDATE mediation_case c SET mediator_id = a.actor_id
    FROM (
        SELECT DISTINCT ON (case_id) case_id, actor_id FROM mediation_auditevent
        WHERE action = 'case.mediating' AND actor_id IS NOT NULL
        ORDER BY case_id, at DESC
    ) a
    WHERE a.case_id = c.id AND c.mediator_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM mediation_caserating)
    """,
    # Ratings: the parties of nineteen closed cases in twenty, 96% of them five stars.
    """
    INSERT INTO mediation_caserating (case_id, party_id, stars, comment, rated_at)
    SELECT p.case_id, p.id, CASE WHEN (p.id * 7919) % 100 < 96 THEN 5 ELSE 4 END, '',
           c.closed_at + interval '1 day'
    FROM mediation_caseparty p JOIN mediation_case c ON c.id = p.case_id
    WHERE c.status = 'closed' AND p.role <> 'third_party' AND c.id % 20 <> 0
      AND NOT EXISTS (SELECT 1 FROM mediation_caserating)
    """,
    # The five diagnoses' records: return visits, home visits, leader cases, joint
    # consultations on a share of the cases.
    """
    INSERT INTO mediation_returnvisit (case_id, due_on, result, notes)
    SELECT id, (closed_at + interval '30 days')::date, 'stable', '' FROM mediation_case
    WHERE status = 'closed' AND id % 10 = 3
      AND NOT EXISTS (SELECT 1 FROM mediation_returnvisit)
    """,
    """
    INSERT INTO mediation_homevisit (case_id, party_id, visit_on, address, purpose,
                                     visitor_id, created_at)
    SELECT p.case_id, p.id, c.reported_at::date + 2, '', '',
           (SELECT min(id) FROM auth_user), c.reported_at
    FROM mediation_caseparty p JOIN mediation_case c ON c.id = p.case_id
    WHERE c.id % 50 = 7 AND p.role = 'applicant'
      AND NOT EXISTS (SELECT 1 FROM mediation_homevisit)
    """,
    """
    INSERT INTO mediation_leadercase (case_id, leader_id, appointed_at, plan, sign_off_note)
    SELECT id, (SELECT min(id) FROM auth_user), reported_at, '', '' FROM mediation_case
    WHERE id % 200 = 11 AND NOT EXISTS (SELECT 1 FROM mediation_leadercase)
    """,
    """
    INSERT INTO mediation_jointconsultation (case_id, reason, summoned_at, plan, planned_at)
    SELECT id, '', reported_at, '', reported_at + interval '3 days' FROM mediation_case
    WHERE id % 100 = 13 AND NOT EXISTS (SELECT 1 FROM mediation_jointconsultation)
    """,
)


def _enrich() -> None:
    from django.db import connection, transaction

    started = time.monotonic()
    changed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in ENRICH:
            cursor.execute(statement)
            changed += max(cursor.rowcount, 0)
    if not changed:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  (enriched and analysed in {time.monotonic() - started:.0f} s)", file=sys.stderr)


# The tables a refresh rewrites: vacuumed and analysed after it, as autovacuum would
# (the development machines' PostgreSQL runs without it).
ROLLUP_TABLES = ("staleday", "dayfigures", "keyday", "recentkey")


def _count_the_rollup() -> None:
    """Count the stale days into the rollup, as the worker's job does every minute: at
    first the whole history, then what the last run left stale."""
    from django.db import connection

    from mediation.dashboard import rollup

    started = time.monotonic()
    days = rollup.refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(f"dashboard_{t}" for t in ROLLUP_TABLES))
    if days:
        print(
            f"  (rollup: {days} days counted in {time.monotonic() - started:.0f} s)",
            file=sys.stderr,
        )


def _make_last_day_stale() -> None:
    """Log the cases of the last day that has any (today, in a centre at work) as the
    triggers do when they change: the next refresh counts them again."""
    from django.db.models import Max
    from django.utils import timezone

    from mediation.dashboard.filters import Period
    from mediation.dashboard.models import StaleDay
    from mediation.models import Case

    day = timezone.localdate(Case.objects.aggregate(last=Max("reported_at"))["last"])
    cases = Case.objects.filter(Period(day, day).reported())
    StaleDay.objects.bulk_create(
        StaleDay(reported_at=at) for at in cases.values_list("reported_at", flat=True)
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def rows(size: int) -> None:
    """Seed the database up to ``size`` cases if needed, and print its rows."""
    scratch.seeded(size)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from mediation.dashboard import figures
    from mediation.dashboard.filters import default_period
    from mediation.dashboard.tables import TABLES, Dashboard

    _enrich()
    _count_the_rollup()
    runs = int(os.environ.get("BENCH_DASHBOARD_RUNS", "10"))
    period = default_period()
    for label, username, last_day_stale in USERS:
        user = get_user_model().objects.get(username=username)
        if last_day_stale:
            _make_last_day_stale()
        in_scope = figures.scope(user, period).count()
        # Per table, per run: the milliseconds of each query.
        timings = {slug: [] for slug in TABLES}
        for run in range(runs + 1):
            board = Dashboard(user, period)
            for slug, build in TABLES.items():
                spent: list[float] = []
                with connection.execute_wrapper(scratch.query_timer(spent)):
                    build(board)
                if run:  # the first run warms the caches
                    timings[slug].append(spent)
        for slug, measured in timings.items():
            slowest = [max(spent, default=0.0) for spent in measured]
            whole = [sum(spent) for spent in measured]
            queries = max(len(spent) for spent in measured)
            flag = " !" if _p95(slowest) > TARGET_MS else ""
            print(
                f"| {size:9,} | {label:24} | {in_scope:8,} | {slug:16} | {queries:7} "
                f"| {statistics.median(slowest):11.1f} | {_p95(slowest):11.1f} "
                f"| {statistics.median(whole):9.1f} |{flag}",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        rows(int(sys.argv[1]))
    else:
        main()
