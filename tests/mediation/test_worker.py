import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from mediation import jobs, tasks

ROOT = Path(__file__).resolve().parents[2]


def test_dispatcher_fires_a_job_once_per_interval():
    calls = []
    now = [timezone.now()]
    jobs.periodic(every=datetime.timedelta(minutes=10), name="test.counter")(
        lambda: calls.append(1)
    )
    try:
        dispatcher = jobs.Dispatcher(now=lambda: now[0])
        assert "test.counter" in dispatcher.tick()
        now[0] += datetime.timedelta(minutes=5)
        assert "test.counter" not in dispatcher.tick()
        now[0] += datetime.timedelta(minutes=5)
        assert "test.counter" in dispatcher.tick()
        assert len(calls) == 2
    finally:
        jobs._registry.pop("test.counter")


def test_a_failing_job_does_not_stop_the_others():
    ran = []

    def broken():
        raise RuntimeError("boom")

    jobs.periodic(every=datetime.timedelta(seconds=1), name="test.broken")(broken)
    jobs.periodic(every=datetime.timedelta(seconds=1), name="test.ok")(lambda: ran.append(1))
    try:
        jobs.Dispatcher(now=timezone.now).tick()
        assert ran == [1]
    finally:
        jobs._registry.pop("test.broken")
        jobs._registry.pop("test.ok")


@pytest.mark.django_db
def test_worker_once_clears_expired_sessions():
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    call_command("run_worker", "--once")
    assert not Session.objects.filter(session_key="old").exists()


@pytest.mark.django_db
def test_only_one_embedded_worker_runs_at_a_time():
    import fcntl

    with open(settings.VAR_DIR / "worker.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(CommandError):
            call_command("run_worker", "--once")


@pytest.mark.skipif(bool(settings.CELERY_BROKER_URL), reason="embedded mode only")
def test_without_a_broker_tasks_run_in_process():
    assert tasks.ping.delay().get() == "pong"


@pytest.mark.broker
@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL")
def test_with_a_broker_a_celery_worker_runs_the_task(tmp_path):
    """A real Celery worker, started the way `make run` starts it, answers through Redis."""
    env = {**os.environ, "MEDIATION_VAR_DIR": str(tmp_path)}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert tasks.ping.delay().get(timeout=5) == "pong"
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
    finally:
        worker.terminate()
        worker.wait(30)
