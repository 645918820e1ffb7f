"""Repeat warnings (矛盾风险研判): the same party, the same address or the same grid with
three or more disputes within ninety days.

The window is the ninety days up to the end of the dashboard's period (today at the
latest), over the cases the user may see under the period's organisation: a warning
counts only visible cases, and lists only them. Each kind is one GROUP BY ... HAVING
query.

A party is recognised by their resident ID number, else their unified social credit
code, else their phone number; a party with none of these (a name alone) is not
matched, for two people can share a name.
"""

import dataclasses
import datetime

from django.db.models import Count, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import Case, CaseParty, Organisation, Person
from mediation.personal_data import mask

from .figures import scope
from .filters import Period

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
    first: datetime.datetime
    last: datetime.datetime


def window_cases(user, period: Period, window: Window) -> QuerySet[Case]:
    """The figures' scope (``figures.scope``) over the window's days in place of the
    period's: visible to ``user``, handled at or below the period's organisation."""
    return scope(user, Period(window.since, window.until, period.organisation))


def _identity(prefix: str = ""):
    """A person's identity for matching: ID number, else credit code, else phone."""
    return Coalesce(
        NullIf(f"{prefix}id_number", Value("")),
        NullIf(f"{prefix}credit_code", Value("")),
        NullIf(f"{prefix}phone", Value("")),
    )


def party_warnings(cases: QuerySet[Case]) -> list[RepeatWarning]:
    # From the cases, joined to their parties and people: one pass over the window.
    rows = (
        cases.annotate(identity=_identity("parties__person__"))
        .filter(identity__isnull=False)
        .values("identity")
        .annotate(
            cases=Count("pk", distinct=True),
            person_pk=Min("parties__person_id"),
            party_name=Min("parties__person__name"),
            first=Min("reported_at"),
            last=Max("reported_at"),
        )
        .filter(cases__gte=THRESHOLD)
        .order_by("-cases", "-last", "identity")[:LIMIT]
    )
    return [
        RepeatWarning(
            kind="party",
            key=str(row["person_pk"]),
            label=row["party_name"],
            # Personal data: always masked here, whoever looks.
            detail=mask(row["identity"]),
            cases=row["cases"],
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]


def address_warnings(cases: QuerySet[Case]) -> list[RepeatWarning]:
    rows = (
        cases.exclude(location="")
        .values("location")
        .annotate(cases=Count("pk"), first=Min("reported_at"), last=Max("reported_at"))
        .filter(cases__gte=THRESHOLD)
        .order_by("-cases", "-last", "location")[:LIMIT]
    )
    return [
        RepeatWarning(
            "address", row["location"], row["location"], "", row["cases"], row["first"], row["last"]
        )
        for row in rows
    ]


def grid_warnings(cases: QuerySet[Case]) -> list[RepeatWarning]:
    rows = (
        cases.filter(grid__isnull=False)
        .values("grid", "grid__name")
        .annotate(cases=Count("pk"), first=Min("reported_at"), last=Max("reported_at"))
        .filter(cases__gte=THRESHOLD)
        .order_by("-cases", "-last", "grid")[:LIMIT]
    )
    return [
        RepeatWarning(
            "grid", str(row["grid"]), row["grid__name"], "", row["cases"], row["first"], row["last"]
        )
        for row in rows
    ]


WARNINGS = {"party": party_warnings, "address": address_warnings, "grid": grid_warnings}


def warning_cases(cases: QuerySet[Case], kind: str, key: str) -> tuple[str, QuerySet[Case]]:
    """The title of one warning and its cases among ``cases`` (already visible ones);
    ``Case.objects.none()`` for a key that matches nothing."""
    if kind == "party":
        person = Person.objects.filter(pk=_int(key)).first()
        identity = person and (person.id_number or person.credit_code or person.phone)
        if not identity:
            return "", cases.none()
        same = Q(id_number=identity) | Q(credit_code=identity) | Q(phone=identity)
        # As in ``party_warnings``: the identity is the first of the three a person has.
        matching = Person.objects.annotate(identity=_identity()).filter(same, identity=identity)
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
