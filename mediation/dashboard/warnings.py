"""Repeat warnings (矛盾风险研判): the same party, the same address or the same grid with
three or more disputes within ninety days.

A warning is an early warning, of the present: its window is the ninety days up to
today, whatever period the figures are of, over the cases the user may see under the
period's organisation. A warning counts only visible cases, and lists only them.

A party is recognised by their resident ID number, else their unified social credit
code, else their phone number (``mediation.models.people.identity``); a party with none
of these (a name alone) is not matched, for two people can share a name.

A party's or an address's warning is read from the sums the rollup keeps of each key
over the window (``keys``), put right for what it has not counted yet; before the sums
have moved on to today, or for a user whose posts overlap, it is one GROUP BY ...
HAVING over the window's cases. A grid's is read from the rollup's grid
breakdown (``models.DayFigures``) like any figure (``figures.Counts``), with its first
and last day: grids are few.
"""

import dataclasses
import datetime

from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import Case, CaseParty, Organisation, Person
from mediation.models.people import identity
from mediation.personal_data import mask

from . import figures, keys
from .filters import Period
from .keys import WINDOW_DAYS

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
    def ending(cls, today: datetime.date | None = None) -> "Window":
        """The ``WINDOW_DAYS`` days up to ``today``."""
        until = today or timezone.localdate()
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


def _repeated(board, kind: str) -> list[dict]:
    """The keys of ``kind`` with ``THRESHOLD`` or more of the board's cases in its
    window, the most cases first: a row each with ``k_key``, ``cases``, ``first`` and
    ``last`` (days). From the rollup's sums (``keys``) where they can answer."""
    rows = board.repeat_keys.repeated(kind, THRESHOLD, LIMIT)
    if rows is not None:
        return rows
    return list(
        keys.grouped(board.window_cases, kind)
        .filter(cases__gte=THRESHOLD)
        .order_by("-cases", "-last", "k_key")[:LIMIT]
    )


def party_warnings(board) -> list[RepeatWarning]:
    rows = _repeated(board, "party")
    # Each identity's person (the first, for the warning's page) and name.
    people = {
        row["k_key"]: (row["person_pk"], row["name"])
        for row in Person.objects.annotate(k_key=identity())
        .filter(k_key__in=[row["k_key"] for row in rows])
        .values("k_key")
        .annotate(person_pk=Min("pk"), name=Min("name"))
        .order_by()
    }
    return [
        RepeatWarning(
            kind="party",
            key=str(people[row["k_key"]][0]),
            label=people[row["k_key"]][1],
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
