"""The dashboard's figures, each a database aggregate over the cases in scope.

The scope is the cases the user may see (``mediation.access.cases_visible_to``),
reported in the period and handled at or below the chosen organisation: a cohort, so
that "closed" and "agreements" are the outcomes so far of the cases reported in the
period, and the rates compare like with like.

``Counts`` reads them from the rollup (``models.DayFigures``), a few rows a day and
organisation, wherever it can, and from the cases themselves where it cannot, and adds
the two:

* the rollup's rows of the organisations whose cases the user sees by organisation
  (``access.statistics_split``), on the days that are counted (not stale);
* the cases of the stale days, and the cases the user sees for another reason (as the
  mediator, a one-off share, ...), counted from the cases.

Overdue depends on today: the rollup keeps the open cases apart by due date, and the
rows due before today are the overdue ones.

No query here loads cases: each groups and counts in the database, and Python only adds
and divides the counts it gets back.
"""

import dataclasses
import datetime
from decimal import Decimal
from functools import cached_property, reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation import access, deadlines, selectors
from mediation.models import (
    Case,
    CaseParty,
    CaseRating,
    CaseStatus,
    Channel,
    HomeVisit,
    JointConsultation,
    LeaderCase,
    Organisation,
    Outcome,
    PatrolFinding,
    ReturnVisit,
)
from mediation.models.cases import FINAL_STATUSES
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral

from . import sources
from .filters import Period
from .models import DayFigures, StaleDay

CLOSED = Q(status=CaseStatus.CLOSED)
AGREEMENT = CLOSED & Q(outcome=Outcome.AGREEMENT)
# A period longer than this is drawn month by month, a shorter one week by week.
WEEKLY_UP_TO_DAYS = 92


def scope(user, period: Period) -> QuerySet[Case]:
    """The cases the figures are about: visible to ``user``, reported in the period,
    handled at or below its organisation."""
    return in_period(access.cases_visible_to(user), period)


def in_period(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """``cases`` reported in the period, handled at or below its organisation."""
    return under_organisation(cases.filter(period.reported()), period.organisation).order_by()


def under_organisation(cases: QuerySet, organisation: Organisation | None) -> QuerySet:
    """``cases`` (or rollup rows) handled at or below ``organisation``."""
    if organisation is None:
        return cases
    return cases.filter(access.handled_under([organisation.path]))


@dataclasses.dataclass
class Figures:
    """The counts of one group of cases, and the rates that follow from them."""

    reported: int = 0
    accepted: int = 0
    closed: int = 0
    agreements: int = 0
    overdue: int = 0
    time_to_close: datetime.timedelta = datetime.timedelta()
    disputed: Decimal = Decimal(0)
    # The amount in dispute of the cases closed with an agreement.
    agreed_in_dispute: Decimal = Decimal(0)
    # The amounts written on their agreements (``sources``).
    amount_agreed: Decimal = Decimal(0)
    # Each case's parties counted (人次).
    parties: int = 0
    ratings: int = 0
    five_stars: int = 0
    stars: int = 0
    # The first and last report days (the repeat warnings of a grid).
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    @classmethod
    def of(cls, row: dict) -> "Figures":
        return cls(**{field.name: row.get(field.name) or field.default for field in FIELDS})

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            *(_add(f.name, getattr(self, f.name), getattr(other, f.name)) for f in FIELDS)
        )

    @property
    def closure_rate(self) -> float | None:
        """Closed among accepted, in per cent."""
        return percent(self.closed, self.accepted)

    @property
    def success_rate(self) -> float | None:
        """Agreements among closed, in per cent."""
        return percent(self.agreements, self.closed)

    @property
    def days_to_close(self) -> float | None:
        if not self.closed:
            return None
        return round(self.time_to_close.total_seconds() / 86400 / self.closed, 1)

    @property
    def five_star_share(self) -> float | None:
        return percent(self.five_stars, self.ratings)

    @property
    def average_rating(self) -> float | None:
        return round(self.stars / self.ratings, 2) if self.ratings else None


FIELDS = dataclasses.fields(Figures)
# The days: the earlier and the later of two, not their sum.
DAYS = {"first_day": min, "last_day": max}
# What the rollup keeps: every figure but overdue, which depends on today (the rollup
# keeps the open cases' due dates instead), and the days (a row's day is both).
ROLLED_UP = tuple(field.name for field in FIELDS if field.name not in ("overdue", *DAYS))


def _add(name: str, one, other):
    if name in DAYS:
        return DAYS[name](day for day in (one, other) if day) if one or other else None
    return one + other


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _per_case(rows: QuerySet, value) -> Subquery:
    """``value`` (an aggregate) over the rows of one case (``OuterRef("pk")``)."""
    return Subquery(
        rows.filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(value=value)
        .values("value"),
        output_field=IntegerField(),
    )


def aggregates() -> dict:
    """The aggregates of ``Figures`` over a set of cases. Parties and ratings are
    counted per case in a subquery, so that no join repeats a case."""
    duration = ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())
    agreed = sources.agreed_amount()
    return {
        "reported": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "closed": Count("pk", filter=CLOSED),
        "agreements": Count("pk", filter=AGREEMENT),
        "overdue": Count("pk", filter=open_overdue_condition()),
        "time_to_close": Sum(duration, filter=CLOSED),
        "disputed": Sum("amount"),
        "agreed_in_dispute": Sum("amount", filter=AGREEMENT),
        **({"amount_agreed": Sum(agreed)} if agreed is not None else {}),
        "parties": Sum(_per_case(CaseParty.objects.all(), Count("pk"))),
        "ratings": Sum(_per_case(CaseRating.objects.all(), Count("pk"))),
        "five_stars": Sum(_per_case(CaseRating.objects.filter(stars=5), Count("pk"))),
        "stars": Sum(_per_case(CaseRating.objects.all(), Sum("stars"))),
        "first_day": Min(TruncDate("reported_at")),
        "last_day": Max(TruncDate("reported_at")),
    }


def open_overdue_condition() -> Q:
    return ~Q(status__in=FINAL_STATUSES) & Q(due_at__lt=timezone.localdate())


def trend_unit(period: Period) -> str:
    return "week" if period.days <= WEEKLY_UP_TO_DAYS else "month"


def _day(moment) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


# The five diagnoses (五诊): a case is of a kind when it has that kind's record. A case
# can be of several kinds, so the rows do not add up to the total.
DIAGNOSES = (
    (
        "patrol",
        _("Patrol (巡诊)"),
        Q(channel=Channel.PATROL)
        | Q(pk__in=PatrolFinding.objects.filter(case__isnull=False).values("case_id")),
    ),
    (
        "consultation",
        _("Consultation (问诊)"),
        Q(is_priority=True) | Q(pk__in=HomeVisit.objects.values("case_id")),
    ),
    (
        "joint",
        _("Joint consultation (会诊)"),
        Q(pk__in=JointConsultation.objects.values("case_id")),
    ),
    ("leader", _("Leader case (专诊)"), Q(pk__in=LeaderCase.objects.values("case_id"))),
    (
        "follow_up",
        _("Follow-up (复诊)"),
        Q(pk__in=ReturnVisit.objects.values("case_id")) | Q(reopened_from__isnull=False),
    ),
)

# Where a referred case came from: its channel, or the referral record it has.
REFERRAL_SOURCES = (
    ("court", _("Court"), Q(channel=Channel.COURT) | Q(pk__in=Referral.objects.values("case_id"))),
    (
        "police",
        _("Police"),
        Q(channel=Channel.POLICE) | Q(pk__in=PoliceReferral.objects.values("case_id")),
    ),
    (
        "petition",
        _("Petition"),
        Q(channel=Channel.PETITION) | Q(pk__in=PetitionReferral.objects.values("case_id")),
    ),
)


# The breakdowns: a field of the case, or groups of conditions (a case can be in
# several groups, or none).
FIELD_DIMENSIONS = {
    "dispute_type": "dispute_type",
    "tier": "tier",
    "channel": "channel",
    "mediator": "mediator_id",
    # Not shown as a breakdown: the repeat warnings of a grid (``warnings``).
    "grid": "grid_id",
}
CONDITION_DIMENSIONS = {"diagnosis": DIAGNOSES, "referral": REFERRAL_SOURCES}
# "" is the total: every case once.
DIMENSIONS = ("", *FIELD_DIMENSIONS, *CONDITION_DIMENSIONS)


def _value(value) -> str:
    return "" if value is None else str(value)


def grouped(cases: QuerySet[Case], dimension: str, keys: dict, measures: dict) -> dict:
    """``measures`` over ``cases`` for each value of ``keys`` (name: expression) and of
    ``dimension``'s value (the last key), as ``{key tuple: row}``; a case in several
    groups of a condition dimension is counted in each."""
    named = dict(keys)
    flags = {}
    if dimension in FIELD_DIMENSIONS:
        named["k_value"] = F(FIELD_DIMENSIONS[dimension])
    elif dimension in CONDITION_DIMENSIONS:
        flags = {
            f"k_is_{key}": ExpressionWrapper(condition, output_field=BooleanField())
            for key, _label, condition in CONDITION_DIMENSIONS[dimension]
        }
    rows = cases.values(**named, **flags).annotate(**measures).order_by()
    result: dict[tuple, list[dict]] = {}
    for row in rows:
        key = tuple(_normal(row[name]) for name in keys)
        if dimension in FIELD_DIMENSIONS:
            result.setdefault((*key, _value(row["k_value"])), []).append(row)
        elif flags:
            for flag in flags:
                if row[flag]:
                    result.setdefault((*key, flag.removeprefix("k_is_")), []).append(row)
        else:
            result.setdefault((*key, ""), []).append(row)
    return {key: sum((Figures.of(row) for row in rows), Figures()) for key, rows in result.items()}


def stale_days(logged: QuerySet[StaleDay] | None = None, limit: int | None = None) -> list:
    """The days (in order, the first ``limit``) of the report times ``logged`` (the
    whole log by default): the days the rollup has yet to count."""
    logged = StaleDay.objects.all() if logged is None else logged
    days = (
        logged.annotate(day=TruncDate("reported_at"))
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    return list(days[:limit] if limit else days)


def on_days(days: list[datetime.date]) -> Q:
    """Report times on ``days`` (in order): one range for each run of consecutive days."""
    ranges: list[list[datetime.date]] = []
    for day in days:
        if ranges and ranges[-1][1] == day:
            ranges[-1][1] = day + datetime.timedelta(days=1)
        else:
            ranges.append([day, day + datetime.timedelta(days=1)])
    return reduce(
        or_,
        (
            Q(reported_at__gte=deadlines.start_of_day(a), reported_at__lt=deadlines.start_of_day(b))
            for a, b in ranges
        ),
    )


class Counts:
    """The figures of one user over one period, from the rollup and the cases."""

    def __init__(self, user, period: Period, split: tuple | None = None):
        self.user = user
        self.period = period
        # ``access.statistics_split(user)``, given when it is known already.
        self.by_organisation, self.other = split or access.statistics_split(user)

    def over(self, period: Period) -> "Counts":
        """The same user's figures over another period."""
        return Counts(self.user, period, (self.by_organisation, self.other))

    @cached_property
    def stale_days(self) -> list[datetime.date]:
        """The days of the period that the rollup has not counted since their cases
        changed."""
        if self.by_organisation is None:
            return []
        return stale_days(StaleDay.objects.filter(self.period.reported()))

    def rows(self, dimension: str = "", *keys: str) -> dict[tuple, Figures]:
        """``Figures`` for each value of ``keys`` ("bucket": the trend's week or month,
        "handling_org") and of ``dimension``'s value, as ``{(*keys, value): Figures}``
        (the value is "" for the total and for a case without one)."""
        if self.by_organisation is None:
            if self.other is None:
                return {}
            # Nothing to read from the rollup: every figure from the cases.
            return grouped(scope(self.user, self.period), dimension, self._keys(keys), aggregates())
        # From the cases: those seen for another reason than their organisation, and
        # those of the stale days. One query, over few cases.
        live = []
        if self.other is not None:
            live.append(self.other & ~self.by_organisation)
        if self.stale_days:
            live.append(self.by_organisation & on_days(self.stale_days))
        total = self._rollup(dimension, keys)
        if live:
            cases = in_period(Case.objects.filter(reduce(or_, live)), self.period)
            for key, figures in grouped(cases, dimension, self._keys(keys), aggregates()).items():
                total[key] = total.get(key, Figures()) + figures
        return total

    def _keys(self, keys, day: str = "reported_at") -> dict:
        """The grouping expressions of ``keys``, the trend's bucket truncating ``day``
        (the report time of a case, the day of a rollup row)."""
        named = {}
        for key in keys:
            if key == "bucket":
                truncate = TruncWeek if trend_unit(self.period) == "week" else TruncMonth
                named["k_bucket"] = truncate(day)
            elif key == "handling_org":
                named["k_org"] = F("handling_org_id")
        return named

    def _rollup(self, dimension: str, keys) -> dict[tuple, Figures]:
        rows = DayFigures.objects.filter(
            self.by_organisation,
            dimension=dimension,
            day__gte=self.period.start,
            day__lte=self.period.end,
        )
        if self.stale_days:
            rows = rows.exclude(day__in=self.stale_days)
        rows = under_organisation(rows, self.period.organisation)
        named = self._keys(keys, day="day")
        values = rows.values(**named, k_value=F("value")).annotate(
            # Before the sums: "reported" names the field here, not its sum.
            overdue=Sum("reported", filter=Q(open_due__lt=timezone.localdate())),
            **{name: Sum(name) for name in ROLLED_UP},
            first_day=Min("day"),
            last_day=Max("day"),
        )
        return {
            (*(_normal(row[name]) for name in named), row["k_value"]): Figures.of(row)
            for row in values.order_by()
        }

    # The figures the tables show.

    def totals(self) -> Figures:
        return self.rows("").get(("",), Figures())

    def by_value(self, dimension: str) -> dict[str, Figures]:
        return {value: figures for (value,), figures in self.rows(dimension).items()}

    def trend(self) -> list[tuple[datetime.date, Figures]]:
        """``Figures`` for each month (or week, for a short period) of report dates."""
        rows = self.rows("", "bucket")
        return sorted(((day, figures) for (day, _v), figures in rows.items()), key=lambda r: r[0])

    def by_condition(self, dimension: str) -> list[tuple[str, str, Figures]]:
        found = self.by_value(dimension)
        return [
            (key, label, found.get(key, Figures()))
            for key, label, _condition in CONDITION_DIMENSIONS[dimension]
        ]


def _normal(value):
    """A key as ``grouped`` gives it for the cases: a day for a trend's bucket."""
    return _day(value) if isinstance(value, datetime.date) else value


def by_organisation(
    counts: "Counts", root: Organisation | None, user
) -> list[tuple[Organisation | None, Figures]]:
    """``Figures`` for each organisation one level below ``root`` (each with its
    subtree), and for ``root`` itself; without a root, for the user's top
    organisations. Cases handled elsewhere (a referral from another district) are in
    one row of their own (None). Counted per handling organisation in the database,
    then summed up the tree here, over organisations, not cases."""
    visible = list(selectors.organisations_visible_to(user).only("pk", "name", "path", "kind"))
    if root is not None:
        buckets = [org for org in visible if org.path == root.path or _is_child(org, root)]
    else:
        paths = [org.path for org in visible]
        tops = [org for org in visible if not any(_is_above(p, org.path) for p in paths)]
        # One top (a director's district, a street): its children, as with a root.
        if len(tops) == 1:
            buckets = [org for org in visible if org == tops[0] or _is_child(org, tops[0])]
        else:
            buckets = tops
    by_path = sorted(buckets, key=lambda org: len(org.path), reverse=True)
    paths = {org.pk: org.path for org in visible}
    rows: dict[int | None, Figures] = {org.pk: Figures() for org in buckets}
    for (handling_org, _value), figures in counts.rows("", "handling_org").items():
        path = paths.get(handling_org)
        bucket = next((o.pk for o in by_path if path and path.startswith(o.path)), None)
        rows[bucket] = rows.get(bucket, Figures()) + figures
    # The courts, stations and departments in the tree handle no cases: no empty rows.
    ordered = sorted(
        (o for o in buckets if o.kind in selectors.INTAKE_KINDS or rows[o.pk].reported),
        key=lambda org: org.path,
    )
    result = [(org, rows[org.pk]) for org in ordered]
    if None in rows:
        result.append((None, rows[None]))
    return result


def _is_child(org: Organisation, parent: Organisation) -> bool:
    return org.path.startswith(parent.path) and org.path.count("/") == parent.path.count("/") + 1


def _is_above(path: str, other: str) -> bool:
    return other != path and other.startswith(path)


@dataclasses.dataclass(frozen=True)
class MediatorRow:
    mediator_id: int
    name: str
    figures: Figures


def by_mediator(counts: "Counts") -> list[MediatorRow]:
    """Each mediator's cases in scope: handled, closed, agreements, days, ratings; the
    busiest first. The same queries whatever the number of mediators."""
    from django.contrib.auth import get_user_model

    rows = {int(pk): figures for pk, figures in counts.by_value("mediator").items() if pk}
    users = get_user_model().objects.filter(pk__in=rows)
    names = {user.pk: user.get_full_name() or user.get_username() for user in users}
    result = [
        MediatorRow(mediator_id=pk, name=names.get(pk, ""), figures=figures)
        for pk, figures in rows.items()
    ]
    return sorted(result, key=lambda row: (-row.figures.reported, row.name, row.mediator_id))
