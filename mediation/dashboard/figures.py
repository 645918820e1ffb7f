"""The dashboard's figures, each one database aggregate over the cases in scope.

The scope is the cases the user may see (``mediation.access.cases_visible_to``),
reported in the period and handled at or below the chosen organisation: a cohort, so
that "closed" and "agreements" are the outcomes so far of the cases reported in the
period, and the rates compare like with like. No query here loads cases: each groups
and counts in the database, and Python only divides the counts it gets back.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation import access, selectors
from mediation.models import (
    Case,
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

from .filters import Period

CLOSED = Q(status=CaseStatus.CLOSED)
AGREEMENT = CLOSED & Q(outcome=Outcome.AGREEMENT)
# A period longer than this is drawn month by month, a shorter one week by week.
WEEKLY_UP_TO_DAYS = 92


def scope(user, period: Period) -> QuerySet[Case]:
    """The cases the figures are about: visible to ``user``, reported in the period,
    handled at or below its organisation."""
    cases = access.cases_visible_to(user).filter(
        reported_at__gte=period.start_at, reported_at__lt=period.end_before
    )
    return under_organisation(cases, period.organisation).order_by()


def under_organisation(cases: QuerySet[Case], organisation: Organisation | None) -> QuerySet[Case]:
    if organisation is None:
        return cases
    # The subtree's ids as the visibility rules read them (``__in_set``).
    return cases.filter(handling_org_id__in_set=access.orgs_under([organisation.path]))


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

    @classmethod
    def of(cls, row: dict) -> "Figures":
        return cls(**{field.name: row.get(field.name) or field.default for field in FIELDS})

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in FIELDS))

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


FIELDS = dataclasses.fields(Figures)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def aggregates(prefix: str = "", condition: Q | None = None) -> dict:
    """The aggregates of ``Figures`` over the cases (of ``condition``), named with
    ``prefix``: several groups can be counted in one scan of the cases."""

    def only(q: Q | None) -> Q | None:
        if condition is None:
            return q
        return condition if q is None else condition & q

    today = timezone.localdate()
    open_overdue = ~Q(status__in=FINAL_STATUSES) & Q(due_at__lt=today)
    duration = ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())
    return {
        f"{prefix}reported": Count("pk", filter=only(None)),
        f"{prefix}accepted": Count("pk", filter=only(Q(accepted_at__isnull=False))),
        f"{prefix}closed": Count("pk", filter=only(CLOSED)),
        f"{prefix}agreements": Count("pk", filter=only(AGREEMENT)),
        f"{prefix}overdue": Count("pk", filter=only(open_overdue)),
        f"{prefix}time_to_close": Sum(duration, filter=only(CLOSED)),
        f"{prefix}disputed": Sum("amount", filter=only(None)),
    }


def totals(cases: QuerySet[Case]) -> Figures:
    return Figures.of(cases.aggregate(**aggregates()))


def grouped(cases: QuerySet[Case], *keys, **named_keys) -> list[tuple[tuple, Figures]]:
    """``Figures`` for each value of ``keys`` (fields or expressions), in key order."""
    names = [*keys, *named_keys]
    rows = (
        cases.values(*keys, **named_keys)
        .annotate(**aggregates())
        .order_by(*[key for key in names if key is not None])
    )
    return [(tuple(row[name] for name in names), Figures.of(row)) for row in rows]


def trend_unit(period: Period) -> str:
    return "week" if period.days <= WEEKLY_UP_TO_DAYS else "month"


def trend(cases: QuerySet[Case], period: Period) -> list[tuple[datetime.date, Figures]]:
    """``Figures`` for each month (or week, for a short period) of report dates."""
    truncate = TruncWeek if trend_unit(period) == "week" else TruncMonth
    rows = grouped(cases, bucket=truncate("reported_at"))
    return [(_day(bucket), figures) for (bucket,), figures in rows]


def _day(moment) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


@dataclasses.dataclass(frozen=True)
class Ratings:
    count: int = 0
    five_stars: int = 0
    average: float | None = None

    @property
    def five_star_share(self) -> float | None:
        return percent(self.five_stars, self.count)

    @classmethod
    def of(cls, row: dict) -> "Ratings":
        average = row.get("average")
        return cls(
            count=row.get("count") or 0,
            five_stars=row.get("five_stars") or 0,
            average=None if average is None else round(float(average), 2),
        )


# Over the cases, joined to their ratings: one scan of the cases in scope.
RATING_AGGREGATES = {
    "count": Count("ratings"),
    "five_stars": Count("ratings", filter=Q(ratings__stars=5)),
    "average": Avg("ratings__stars"),
}


def ratings(cases: QuerySet[Case]) -> Ratings:
    return Ratings.of(cases.aggregate(**RATING_AGGREGATES))


def ratings_trend(cases: QuerySet[Case], period: Period) -> dict[datetime.date, Ratings]:
    truncate = TruncWeek if trend_unit(period) == "week" else TruncMonth
    rows = (
        cases.filter(ratings__isnull=False)
        .values(bucket=truncate("reported_at"))
        .annotate(**RATING_AGGREGATES)
        .order_by("bucket")
    )
    return {_day(row["bucket"]): Ratings.of(row) for row in rows}


def parties_involved(cases: QuerySet[Case]) -> int:
    """The parties of the cases, each case's parties counted (人次)."""
    return cases.aggregate(parties=Count("parties"))["parties"]


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


def by_condition(cases: QuerySet[Case], groups) -> list[tuple[str, str, Figures]]:
    """``Figures`` for each of ``groups`` ((key, label, condition), ...): the cases are
    grouped by whether each condition holds (each tested once a case, in one scan), and
    each group's rows are summed here."""
    flags = {
        f"is_{key}": ExpressionWrapper(condition, output_field=BooleanField())
        for key, _label, condition in groups
    }
    totals = {key: Figures() for key, _label, _condition in groups}
    for values, figures in grouped(cases, **flags):
        for (key, _label, _condition), holds in zip(groups, values, strict=True):
            if holds:
                totals[key] = totals[key] + figures
    return [(key, label, totals[key]) for key, label, _condition in groups]


def by_organisation(
    cases: QuerySet[Case], root: Organisation | None, user
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
    for (handling_org,), figures in grouped(cases, "handling_org"):
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
    ratings: Ratings


def by_mediator(cases: QuerySet[Case]) -> list[MediatorRow]:
    """Each mediator's cases in scope: handled, closed, agreements, days, ratings; the
    busiest first. Three queries whatever the number of mediators."""
    from django.contrib.auth import get_user_model

    named = cases.filter(mediator__isnull=False)
    rows = grouped(named, "mediator")
    rated = named.filter(ratings__isnull=False).values("mediator").annotate(**RATING_AGGREGATES)
    stars = {row["mediator"]: Ratings.of(row) for row in rated.order_by()}
    users = get_user_model().objects.filter(pk__in=[pk for (pk,), _f in rows])
    names = {user.pk: user.get_full_name() or user.get_username() for user in users}
    result = [
        MediatorRow(
            mediator_id=pk,
            name=names.get(pk, ""),
            figures=figures,
            ratings=stars.get(pk, Ratings()),
        )
        for (pk,), figures in rows
    ]
    return sorted(result, key=lambda row: (-row.figures.reported, row.name, row.mediator_id))
