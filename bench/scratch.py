"""The databases of the benches that measure a size at a time (``bench/access.py``,
``bench/dashboard.py``): one PostgreSQL database a size, on the server of
``DATABASE_URL``, kept between runs, each size measured in a process of its own."""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit


def sizes(variable: str) -> list[int]:
    """The sizes named in ``variable`` (comma-separated; default 100,000 and 1,000,000)."""
    return [int(s) for s in os.environ.get(variable, "100000,1000000").split(",")]


def bench_url(size: int, variable: str, default_prefix: str) -> str | None:
    """The URL of the database for ``size`` (``<prefix>_<size>``, the prefix from
    ``variable`` or ``default_prefix``), or None when ``DATABASE_URL`` is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parts = urlsplit(url)
    prefix = os.environ.get(variable, default_prefix)
    return urlunsplit(parts._replace(path=f"/{prefix}_{size}"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def run_size(script: str, size: int, url: str) -> None:
    """Run ``script`` for ``size`` in a process of its own, on the database at ``url``
    (created if missing)."""
    ensure_database(url)
    subprocess.run(
        [sys.executable, script, str(size)],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def seeded(size: int) -> None:
    """Set Django up in this process, its database migrated and seeded (``seed_demo
    --no-flows``) up to ``size`` cases if it has fewer."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from mediation.models import Case

    call_command("migrate", verbosity=0)
    if Case.objects.count() < size:
        call_command("seed_demo", "--cases", str(size), "--no-flows", verbosity=0)


def query_timer(spent: list):
    """A ``connection.execute_wrapper`` that appends each query's database milliseconds
    to ``spent`` (its length is the query count)."""
    import time

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    return timed
