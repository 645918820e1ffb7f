"""How the closed loop scales with processes, and what the database backends wait on.

Not part of the suite: seeds ``BENCH_CASES`` cases, then runs ``BENCH_LOOPS`` loops
with 1, 2 and 4 processes while sampling ``pg_stat_activity`` every 10 ms.
"""

import collections
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
# The loop texts each party when their case closes: kept in memory, not printed.
os.environ.setdefault("SMS_BACKEND", "mediation.sms.LocmemBackend")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def _sampler(dsn: dict, stop: threading.Event, waits: collections.Counter) -> None:
    import psycopg

    with psycopg.connect(**dsn, autocommit=True) as conn:
        while not stop.is_set():
            for state, event_type, event in conn.execute(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            ):
                waits[(state, event_type, event)] += 1
            time.sleep(0.01)


def main() -> None:
    from django.contrib.auth import get_user_model

    from bench import loop

    with loop.seeded_scratch_database("200"):
        params = connection.get_connection_params()
        dsn = {k: params[k] for k in ("dbname", "user", "host", "port", "password") if k in params}
        n = int(os.environ.get("BENCH_LOOPS", "100"))
        for workers in [int(w) for w in os.environ.get("BENCH_WORKERS", "1,2,4").split(",")]:
            waits, stop = collections.Counter(), threading.Event()
            thread = threading.Thread(target=_sampler, args=(dsn, stop, waits))
            thread.start()
            try:
                per_second, queries = loop.run(n, get_user_model().objects, workers=workers)
            finally:
                stop.set()
                thread.join()
            total = sum(waits.values()) or 1
            print(f"{workers} processes: {per_second:.1f} loops/s, {queries:.1f} queries/loop")
            for key, k in waits.most_common(8):
                print(f"    {k / total:6.1%}  {key}")


if __name__ == "__main__":
    main()
