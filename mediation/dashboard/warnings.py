"""Repeat warnings (矛盾风险研判): the same party, the same address or the same grid with
three or more disputes within ninety days.

The window is the ninety days up to the end of the dashboard's period (today at the
latest), over the cases the user may see under the period's organisation: a warning
counts only visible cases, and lists only them.

A party is recognised by their resident ID number, else their unified social credit
code, else their phone number (``mediation.models.people.identity``); a party with none
of these (a name alone) is not matched, for two people can share a name.

Read fast at a million cases (issue 7: every query within 200 ms):

* Grids are few: the rollup counts each day's cases per grid (the "grid" breakdown of
  ``models.DayFigures``), and a grid's warning is read like any figure
  (``figures.Counts``), with its first and last day.
* Parties and addresses are about as many as the cases, and most come once. Three
  disputes within ninety days are each within 89 days of the other two, so a warning
  can only count cases listed in ``models.RepeatCase``: those with two or more others
  of the same key within 89 days before or after. A warning is counted from the cases
  as they are, over the listed ones and, for the days changed since the list was made
  (the rollup's stale days), over every case that shares a key with a case of those
  days. ``relist``, called by the rollup's refresh, remakes the list around the stale
  days.
"""

import bisect
import collections
import dataclasses
import datetime
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import Count, F, Max, Min, Q, QuerySet, Value
from django.db.models.functions import NullIf, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import Case, CaseParty, Organisation, Person
from mediation.models.people import identity
from mediation.personal_data import mask

from . import figures
from .filters import Period
from .models import RepeatCase

WINDOW_DAYS = 90
THRESHOLD = 3
# The most warnings of one kind a page or a file lists, the most cases first.
LIMIT = 100
# The most cases one warning's page lists.
CASES_LIMIT = 200

KINDS = {
    "party": _("Same party"),
    "address": _("Same address"),
    "grid": _("Same grid"),
}


@dataclasses.dataclass(frozen=True)
class Window:
    since: datetime.date
    until: datetime.date

    @classmethod
    def of(cls, period: Period, today: datetime.date | None = None) -> "Window":
        until = min(period.end, today or timezone.localdate())
        return cls(since=until - datetime.timedelta(days=WINDOW_DAYS - 1), until=until)


@dataclasses.dataclass(frozen=True)
class RepeatWarning:
    kind: str
    key: str  # what the warning's page is asked for: a person's or grid's id, an address
    label: str
    detail: str
    cases: int
    first: datetime.date
    last: datetime.date


def window_period(period: Period, window: Window) -> Period:
    """The window as a period under the period's organisation."""
    return Period(window.since, window.until, period.organisation)


def window_cases(user, period: Period, window: Window) -> QuerySet[Case]:
    """The figures' scope (``figures.scope``) over the window's days in place of the
    period's: visible to ``user``, handled at or below the period's organisation."""
    return figures.scope(user, window_period(period, window))


# The parties' and addresses' keys, as expressions over a case (None: no key); a case
# has a key for each of its parties.
KEYS = {
    "party": lambda: identity("parties__person__"),
    "address": lambda: NullIf("location", Value("")),
}


def keyed(cases: QuerySet[Case], kind: str) -> QuerySet[Case]:
    """``cases`` with their keys of ``kind`` as ``k_key``: a row per key."""
    return cases.annotate(k_key=KEYS[kind]()).filter(k_key__isnull=False).order_by()


def _reported(period: Period) -> Q:
    return Q(reported_at__gte=period.start_at, reported_at__lt=period.end_before)


def _repeated(board, kind: str) -> list[dict]:
    """The keys of ``kind`` with ``THRESHOLD`` or more of the board's cases in its
    window, the most cases first: a row each with ``k_key``, ``cases``, ``first`` and
    ``last`` (days).

    Two parts over distinct (case, key) pairs, added up: the listed rows of the
    organisations whose cases the user sees by organisation (``access.statistics_split``),
    but for the stale days and the keys a case of those days has now; and, from the
    cases, those keys and the cases the user sees for another reason."""
    counts = board.window_counts  # its split of visibility and its stale days
    by_organisation, other = counts.by_organisation, counts.other
    parts = []
    live = []
    if by_organisation is None:
        if other is None:
            return []
        live.append(Q())
    else:
        window = counts.period
        listed = RepeatCase.objects.filter(
            by_organisation, kind=kind, day__gte=window.start, day__lte=window.end
        )
        if counts.stale_days:
            on_stale_days = figures.on_days(counts.stale_days)
            changed = keyed(Case.objects.filter(on_stale_days), kind).values("k_key")
            listed = listed.exclude(day__in=counts.stale_days).exclude(key__in=changed)
            live.append(Q(k_key__in=changed))
        if other is not None:
            live.append(other & ~by_organisation)
        listed = figures.under_organisation(listed, window.organisation).order_by()
        parts.append(
            listed.values(k_key=F("key")).annotate(
                cases=Count("pk"), first=Min("day"), last=Max("day")
            )
        )
    if live:
        day = TruncDate("reported_at")
        cases = keyed(board.window_cases, kind).filter(reduce(or_, live))
        parts.append(
            cases.values("k_key").annotate(
                # A case with two parties of one identity is one dispute.
                cases=Count("pk", distinct=kind == "party"),
                first=Min(day),
                last=Max(day),
            )
        )
    return _added_up(parts)


def _added_up(parts: list[QuerySet]) -> list[dict]:
    """The rows of ``parts`` (``k_key``, ``cases``, ``first``, ``last``) added up per
    key, with ``THRESHOLD`` or more cases, the most cases first: in SQL, so that only
    the warnings come back."""
    order = ("-cases", "-last", "k_key")
    if len(parts) == 1:
        return list(parts[0].filter(cases__gte=THRESHOLD).order_by(*order)[:LIMIT])
    compiled = [part.query.get_compiler(using=part.db).as_sql() for part in parts]
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) part{n}" for n, (sql, _p) in enumerate(compiled)
    )
    query = (
        "SELECT k_key, SUM(cases) AS cases, MIN(first) AS first, MAX(last) AS last "
        f"FROM ({union}) parts GROUP BY k_key HAVING SUM(cases) >= %s "
        "ORDER BY cases DESC, last DESC, k_key LIMIT %s"
    )
    params = [param for _sql, part_params in compiled for param in part_params]
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(query, [*params, THRESHOLD, LIMIT])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, _typed(*row), strict=True)) for row in cursor.fetchall()]


def _typed(key: str, cases, first, last) -> tuple:
    """A row of raw SQL as the ORM gives it: SQLite returns days as text, PostgreSQL
    a sum as a decimal."""
    return key, int(cases), *(_date(day) for day in (first, last))


def _date(day) -> datetime.date:
    return datetime.date.fromisoformat(day) if isinstance(day, str) else day


def party_warnings(board) -> list[RepeatWarning]:
    rows = _repeated(board, "party")
    # A party's name and record, from the parties of the cases the user sees.
    people = {
        row["k_key"]: row
        for row in keyed(board.window_cases, "party")
        .filter(k_key__in=[row["k_key"] for row in rows])
        .values("k_key")
        .annotate(person_pk=Min("parties__person_id"), name=Min("parties__person__name"))
    }
    return [
        RepeatWarning(
            kind="party",
            key=str(people[row["k_key"]]["person_pk"]),
            label=people[row["k_key"]]["name"],
            # Personal data: always masked here, whoever looks.
            detail=mask(row["k_key"]),
            cases=row["cases"],
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]


def address_warnings(board) -> list[RepeatWarning]:
    return [
        RepeatWarning(
            "address", row["k_key"], row["k_key"], "", row["cases"], row["first"], row["last"]
        )
        for row in _repeated(board, "address")
    ]


def grid_warnings(board) -> list[RepeatWarning]:
    """From the rollup's grid breakdown, as the figures are read."""
    found = sorted(
        (
            (int(grid), counted)
            for grid, counted in board.window_counts.by_value("grid").items()
            if grid and counted.reported >= THRESHOLD
        ),
        key=lambda row: (-row[1].reported, -row[1].last_day.toordinal(), row[0]),
    )[:LIMIT]
    names = dict(
        Organisation.objects.filter(pk__in=[grid for grid, _c in found]).values_list("pk", "name")
    )
    return [
        RepeatWarning(
            "grid",
            str(grid),
            names.get(grid, ""),
            "",
            counted.reported,
            counted.first_day,
            counted.last_day,
        )
        for grid, counted in found
    ]


WARNINGS = {"party": party_warnings, "address": address_warnings, "grid": grid_warnings}


def warning_cases(cases: QuerySet[Case], kind: str, key: str) -> tuple[str, QuerySet[Case]]:
    """The title of one warning and its cases among ``cases`` (already visible ones);
    ``Case.objects.none()`` for a key that matches nothing."""
    if kind == "party":
        person = Person.objects.filter(pk=_int(key)).first()
        recognised = person and (person.id_number or person.credit_code or person.phone)
        if not recognised:
            return "", cases.none()
        # As in the warnings: the first of the three a person has (an index reads it).
        matching = Person.objects.annotate(k_key=identity()).filter(k_key=recognised)
        parties = CaseParty.objects.filter(person_id__in=matching.values("pk"))
        return person.name, cases.filter(pk__in=parties.values("case_id"))
    if kind == "address" and key:
        return key, cases.filter(location=key)
    if kind == "grid":
        grid = Organisation.objects.filter(pk=_int(key)).first()
        if grid is not None:
            return grid.name, cases.filter(grid=grid)
    return "", cases.none()


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


# The listed kinds (grids are read from the rollup), and the keys remade per query.
LISTED = ("party", "address")
KEYS_PER_QUERY = 500
NEAR = datetime.timedelta(days=WINDOW_DAYS - 1)


def relist(days: list[datetime.date]) -> None:
    """Remake ``RepeatCase`` after changes to the cases of ``days``: for each key that a
    case of those days has, or had when it was listed, the cases within 89 days of
    those days, counted among the cases within twice that (a listing depends on the
    cases 89 days before and after)."""
    changed = figures.on_days(days)
    rewritten = Period(days[0] - NEAR, days[-1] + NEAR)
    counted = Period(days[0] - 2 * NEAR, days[-1] + 2 * NEAR)
    for kind in LISTED:
        now = keyed(Case.objects.filter(changed), kind).values_list("k_key", flat=True)
        before = RepeatCase.objects.filter(kind=kind, day__in=days).values_list("key", flat=True)
        keys = sorted(set(now) | set(before))
        for start in range(0, len(keys), KEYS_PER_QUERY):
            _relist(kind, keys[start : start + KEYS_PER_QUERY], rewritten, counted)


def _relist(kind: str, keys: list[str], rewritten: Period, counted: Period) -> None:
    rows = (
        keyed(Case.objects.filter(_reported(counted)), kind)
        .filter(k_key__in=keys)
        .values_list("k_key", "pk", "reported_at", "handling_org_id", "centre_id")
        .distinct()
    )
    by_key: dict[str, list[RepeatCase]] = collections.defaultdict(list)
    for key, pk, at, handling_org, centre in rows:
        by_key[key].append(
            RepeatCase(
                case_id=pk,
                kind=kind,
                key=key,
                day=timezone.localdate(at),
                handling_org_id=handling_org,
                centre_id=centre,
            )
        )
    listed = []
    for cases in by_key.values():
        days = sorted(case.day for case in cases)
        for case in cases:
            near = bisect.bisect_right(days, case.day + NEAR) - bisect.bisect_left(
                days, case.day - NEAR
            )
            if near >= THRESHOLD and rewritten.start <= case.day <= rewritten.end:
                listed.append(case)
    RepeatCase.objects.filter(
        kind=kind, key__in=keys, day__gte=rewritten.start, day__lte=rewritten.end
    ).delete()
    RepeatCase.objects.bulk_create(listed, batch_size=2000)
