"""Counting the stale days into the rollup (``models.DayFigures``).

``refresh()`` reads the days the triggers logged (``StaleDay``), recounts each of them
from the cases with the live aggregates (``figures.grouped``, so the rollup and the
live figures cannot disagree), replaces those days' rows and deletes the log rows it
read. A change that commits meanwhile logs a row that this refresh did not read, so its
day is counted again by the next one. The repeat warnings' keys of the same days are
recounted with them (``keys``), and their sums move on with the day. The job runs every
minute; the dashboard counts the days still stale from the cases, so a late refresh is
slower, never wrong.
"""

import datetime
import logging
import time

from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import F, Q, When
from django.db.models.functions import TruncDate

from mediation import jobs
from mediation.models import Case
from mediation.models.cases import FINAL_STATUSES

from . import figures, keys
from .models import DayFigures, RollupLock, StaleDay

logger = logging.getLogger(__name__)

# Days recounted in one transaction: a backlog (a bulk import, the first refresh of a
# large history) goes in steps that each hold the lock briefly.
DAYS_PER_STEP = 14


def refresh(max_steps: int | None = None) -> int:
    """Recount the stale days, ``DAYS_PER_STEP`` at a time; the number recounted.
    Returns 0 at once when another refresh holds the lock."""
    RollupLock.objects.get_or_create(pk=1)  # gone after a test's flush
    counted = 0
    steps = 0
    while max_steps is None or steps < max_steps:
        with transaction.atomic():
            if not RollupLock.objects.select_for_update(skip_locked=True).filter(pk=1).exists():
                return counted
            # One day more than a step: whether the first step starts a backlog.
            days = figures.stale_days(limit=DAYS_PER_STEP + 1)
            if not steps:
                if len(days) > DAYS_PER_STEP:
                    # A backlog: the keys are summed once when it is counted, not per step.
                    keys.forget()
                else:
                    keys.slide()
            days = days[:DAYS_PER_STEP]
            if not days:
                keys.slide()
                return counted
            _recount(days)
        counted += len(days)
        steps += 1
    return counted


def _recount(days: list[datetime.date]) -> None:
    on_days = figures.on_days(days)
    read = list(StaleDay.objects.filter(on_days).values_list("pk", flat=True))
    cases = Case.objects.filter(on_days)
    grouping = {
        "k_day": TruncDate("reported_at"),
        "k_org": F("handling_org_id"),
        "k_centre": F("centre_id"),
        # The open cases apart, by due date: overdue is read from these rows.
        "k_due": CaseWhen(When(~Q(status__in=FINAL_STATUSES), then=F("due_at")), default=None),
    }
    rows = []
    measures = {
        name: aggregate
        for name, aggregate in figures.aggregates().items()
        if name in figures.ROLLED_UP
    }
    for dimension in figures.DIMENSIONS:
        found = figures.grouped(cases.order_by(), dimension, grouping, measures)
        for (day, org, centre, due, value), counted in found.items():
            rows.append(
                DayFigures(
                    day=day,
                    handling_org_id=org,
                    centre_id=centre,
                    open_due=due,
                    dimension=dimension,
                    value=value,
                    **{name: getattr(counted, name) for name in figures.ROLLED_UP},
                )
            )
    DayFigures.objects.filter(day__in=days).delete()
    DayFigures.objects.bulk_create(rows, batch_size=2000)
    keys.recount(days)
    for start in range(0, len(read), 5000):
        StaleDay.objects.filter(pk__in=read[start : start + 5000]).delete()


@jobs.periodic(every=datetime.timedelta(minutes=1), name="dashboard.rollup_refresh")
def rollup_refresh() -> None:
    started = time.monotonic()
    days = refresh()
    if days:
        logger.info("statistics: %s days recounted in %.1f s", days, time.monotonic() - started)
