"""Periodic jobs, declared once and fired by exactly one dispatcher.

In the embedded default, ``manage.py run_worker`` fires them in its own loop. With
``CELERY_BROKER_URL``, the same command starts a Celery worker with an embedded beat,
and beat fires each job as the ``mediation.run_job`` task. Other packages (the flows'
timers, for example) register their jobs here from their ``AppConfig.ready``.
"""

import dataclasses
import datetime
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    func: Callable[[], object]


_registry: dict[str, Job] = {}


def periodic(*, every: datetime.timedelta, name: str | None = None):
    """Register the decorated function to run every ``every``."""

    def decorate(func):
        job_name = name or f"{func.__module__}.{func.__qualname__}"
        _registry[job_name] = Job(name=job_name, every=every, func=func)
        return func

    return decorate


def registered() -> dict[str, Job]:
    return dict(_registry)


def run(name: str) -> None:
    job = _registry[name]
    logger.info("running job %s", name)
    job.func()


class Dispatcher:
    """Fires each registered job when its interval has passed since its last run."""

    def __init__(self, now: Callable[[], datetime.datetime]):
        self._now = now
        self._last: dict[str, datetime.datetime] = {}

    def tick(self) -> list[str]:
        fired = []
        now = self._now()
        for job in registered().values():
            last = self._last.get(job.name)
            if last is not None and now - last < job.every:
                continue
            self._last[job.name] = now
            try:
                job.func()
            except Exception:
                # One failing job must not stop the others, nor the worker.
                logger.exception("job %s failed", job.name)
            fired.append(job.name)
        return fired


@periodic(every=datetime.timedelta(hours=6), name="clear_expired_sessions")
def clear_expired_sessions():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
