"""Profile the closed loop: queries per step (grouped by SQL shape) and a cProfile.

Not part of the suite. ``BENCH_CASES`` seeds, ``BENCH_LOOPS`` loops are profiled.
"""

import collections
import cProfile
import os
import pstats
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
# The loop texts each party when their case closes: kept in memory, not printed.
os.environ.setdefault("SMS_BACKEND", "mediation.sms.LocmemBackend")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def _cpu(pid) -> float:
    """User and system CPU seconds of a local process, 0 if it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    from django.contrib.auth import get_user_model

    from bench import loop

    with loop.seeded_scratch_database("200"):
        kwargs = loop._setup(get_user_model().objects)
        loop.one_loop(**kwargs)
        shapes = collections.Counter()
        db_time = [0.0]

        where = collections.Counter()

        def count(execute, sql, params, many, context):
            shapes[re.sub(r"\d+", "N", sql)[:160]] += 1
            if os.environ.get("PROFILE_WHERE"):
                frames = [
                    f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno}:{f.name}"
                    for f in traceback.extract_stack()[:-1]
                    if ("/viewflow/" in f.filename or "/work/main/" in f.filename)
                    and "profile_loop" not in f.filename
                    and "site-packages/django/" not in f.filename
                ]
                where[(re.sub(r"\d+", "N", sql)[:70], " < ".join(reversed(frames[-6:])))] += 1
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db_time[0] += time.perf_counter() - start

        n = int(os.environ.get("BENCH_LOOPS", "50"))
        backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
        backend_cpu = _cpu(backend)
        own_cpu = time.process_time()
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiled = os.environ.get("PROFILE", "1") != "0"
        with connection.execute_wrapper(count):
            if profiled:
                profiler.enable()
            for _ in range(n):
                loop.one_loop(**kwargs)
            if profiled:
                profiler.disable()
        wall = time.perf_counter() - start
        own_cpu = time.process_time() - own_cpu
        backend_cpu = _cpu(backend) - backend_cpu
        print(f"{n} loops, {wall / n * 1000:.1f} ms/loop, db {db_time[0] / n * 1000:.1f} ms/loop")
        print(
            f"cpu per loop: python {own_cpu / n * 1000:.1f} ms (profiled), "
            f"database backend {backend_cpu / n * 1000:.1f} ms"
        )
        print(f"{sum(shapes.values()) / n:.1f} queries/loop")
        for sql, k in shapes.most_common(60):
            print(f"{k / n:6.2f}  {sql}")
        for (sql, stack), k in where.most_common(80):
            print(f"{k / n:6.2f}  {sql}\n        {stack}")
        if not profiled:
            return
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("PROFILE_LINES", "60")))


if __name__ == "__main__":
    main()
