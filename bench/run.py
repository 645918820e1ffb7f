"""Benchmarks, run by `make bench`; never part of the test suite.

Runs against the configured database (``DATABASE_URL`` or the embedded SQLite) in a
scratch database of its own, and prints one table. Each row: what was measured, how
many times, p50 and p95 in milliseconds, and the queries per operation.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
# The loop texts each party when their case closes: kept in memory, not printed.
os.environ.setdefault("SMS_BACKEND", "mediation.sms.LocmemBackend")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(fn, repeat: int) -> tuple[float, float, float]:
    times, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(ctx.captured_queries))
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, statistics.mean(queries)


def main() -> None:
    from django.contrib.auth import get_user_model

    from bench import loop
    from mediation import selectors, services
    from mediation.models import Channel, DisputeType, Organisation

    User = get_user_model()

    with loop.seeded_scratch_database("2000"):
        street = Organisation.objects.filter(kind="street_centre").first()
        actor = User.objects.get(username="street")

        def intake():
            services.case_report(
                actor=actor,
                handling_org=street,
                title="装修噪音纠纷",
                description="楼上夜间装修噪音影响休息，多次沟通无果。",
                dispute_type=DisputeType.NEIGHBOUR,
                channel=Channel.WALK_IN,
                intake_token=uuid.uuid4(),
                parties=loop.PARTIES,
            )

        def first_page(username):
            user = User.objects.get(username=username)
            return lambda: list(selectors.case_list(user=user)[:25])

        rows = [
            ("case intake (2 parties)", 200, intake),
            ("case list, first page, street staff", 50, first_page("street")),
            ("case list, first page, district staff", 50, first_page("centre")),
        ]
        print(f"database: {connection.vendor}, cases: {os.environ.get('BENCH_CASES', '2000')}")
        print(f"| {'benchmark':40} | {'n':>4} | {'p50 ms':>7} | {'p95 ms':>7} | {'queries':>7} |")
        print(f"|{'-' * 42}|{'-' * 6}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
        for name, repeat, fn in rows:
            p50, p95, queries = measure(fn, repeat)
            print(f"| {name:40} | {repeat:4} | {p50:7.1f} | {p95:7.1f} | {queries:7.1f} |")

        loops = int(os.environ.get("BENCH_LOOPS", "200"))
        default_parallel = 1 if connection.vendor == "sqlite" else 2 * (os.cpu_count() or 1)
        parallel = int(os.environ.get("BENCH_WORKERS", default_parallel))
        print()
        print("closed loop, report → accept → dispatch → start → outcome → verify → rate")
        print(f"| {'processes':>9} | {'loops':>6} | {'loops/s':>8} | {'queries/loop':>12} |")
        print(f"|{'-' * 11}|{'-' * 8}|{'-' * 10}|{'-' * 14}|")
        for workers in sorted({1, parallel}):
            per_second, queries = loop.run(loops, User.objects, workers=workers)
            print(f"| {workers:9} | {loops:6} | {per_second:8.1f} | {queries:12.1f} |")


if __name__ == "__main__":
    main()
