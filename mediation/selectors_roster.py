"""Reads of the mediator roster: duty rotation, public profiles and performance."""

import dataclasses
import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q, QuerySet

from .models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseParty,
    CaseRating,
    CaseStatus,
    MediatorProfile,
    MediatorStatus,
    Membership,
    Outcome,
    Role,
)
from .models.cases import FINAL_STATUSES
from .models.roster import DutyShift, Sanction

User = get_user_model()

# Who keeps the roster, and who may read it.
ROSTER_MANAGER_ROLES = (Role.CENTRE_STAFF, Role.CENTRE_DIRECTOR)
ROSTER_READER_ROLES = (*ROSTER_MANAGER_ROLES, Role.COURT_CLERK, Role.JUDGE)


def user_may_manage_roster(user) -> bool:
    """Centre staff and directors keep the roster: shifts, profiles and sanctions."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=ROSTER_MANAGER_ROLES).exists()
    )


def user_may_view_roster(user) -> bool:
    """The centre and the court (clerks and judges) see the roster."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=ROSTER_READER_ROLES).exists()
    )


# Duty rotation (轮值).


def _party_user_ids(case: Case) -> set[int]:
    """The users who are a party to the case or a party's agent, in one query."""
    rows = CaseParty.objects.filter(case=case).values_list("person__user", "agent__user")
    return {uid for pair in rows for uid in pair if uid is not None}


def open_caseloads(user_ids: Iterable[int]) -> dict[int, int]:
    """How many open cases each user mediates now."""
    rows = (
        Case.objects.filter(mediator_id__in=list(user_ids))
        .exclude(status__in=FINAL_STATUSES)
        .values("mediator_id")
        .annotate(n=Count("id"))
    )
    return {row["mediator_id"]: row["n"] for row in rows}


def rotation_candidates(*, case: Case, day: datetime.date, exclude: Iterable = ()) -> list:
    """The mediators the rotation may designate for ``case`` on ``day`` (特邀调解规定 art 12).

    On duty that day, active on the roster, their specialties cover the case's type of
    dispute, not a party to the case (nor a party's agent), and not in ``exclude``
    (users or their ids: those who declined or did not answer). The lightest current
    caseload comes first; equal loads go by the order the mediators joined the roster,
    so the pick is always the same for the same data.
    """
    excluded = {getattr(u, "pk", u) for u in exclude} | _party_user_ids(case)
    profiles = (
        MediatorProfile.objects.filter(
            status=MediatorStatus.ACTIVE,
            user__is_active=True,
            user__duty_shifts__day=day,
        )
        .exclude(user_id__in=excluded)
        .select_related("user")
    )
    # The roster is tens of people, so the specialty match is made here rather than
    # with a JSON lookup that SQLite lacks.
    users = [p.user for p in profiles if case.dispute_type in (p.dispute_types or [])]
    loads = open_caseloads(u.pk for u in users)
    return sorted(users, key=lambda u: (loads.get(u.pk, 0), u.pk))


def rotation_pick(*, case: Case, day: datetime.date, exclude: Iterable = ()):
    """The mediator the rotation designates, or None when nobody fits."""
    candidates = rotation_candidates(case=case, day=day, exclude=exclude)
    return candidates[0] if candidates else None


def duty_week(*, start: datetime.date) -> list[tuple[datetime.date, list[DutyShift]]]:
    """The seven days from ``start``, each with the shifts on it."""
    days = [start + datetime.timedelta(days=i) for i in range(7)]
    shifts = DutyShift.objects.filter(day__gte=days[0], day__lte=days[-1]).select_related(
        "mediator", "mediator__mediator_profile"
    )
    by_day: dict[datetime.date, list[DutyShift]] = {d: [] for d in days}
    for shift in shifts.order_by("day", "mediator_id"):
        by_day[shift.day].append(shift)
    return list(by_day.items())


# The roster and the public profile.


def roster_profiles(*, include_removed: bool = False) -> QuerySet[MediatorProfile]:
    profiles = MediatorProfile.objects.select_related("user", "organisation", "inviting_court")
    if not include_removed:
        profiles = profiles.exclude(status=MediatorStatus.REMOVED)
    return profiles.order_by("organisation__path", "user_id")


def roster_profile_get(*, pk: int) -> MediatorProfile:
    return MediatorProfile.objects.select_related("user", "organisation", "inviting_court").get(
        pk=pk
    )


def profile_sanctions(profile: MediatorProfile) -> QuerySet[Sanction]:
    return profile.sanctions.select_related("imposed_by")


@dataclasses.dataclass(frozen=True)
class Performance:
    """A mediator's record (业绩): what the public profile and the centre see."""

    cases_handled: int
    cases_open: int
    cases_closed: int
    agreements: int
    success_rate: float | None  # agreements / closed, None with nothing closed
    average_days: float | None  # from dispatch to close
    average_rating: float | None
    ratings: int


def mediator_performance(mediator) -> Performance:
    """Cases handled, success rate, average days from dispatch to close, average rating."""
    return roster_performance([mediator])[mediator.pk]


def roster_performance(mediators) -> dict[int, Performance]:
    """Each mediator's record, by user id, in four queries however long the roster."""
    ids = [mediator.pk for mediator in mediators]
    counts = {
        row["mediator"]: row
        for row in Case.objects.filter(mediator__in=ids)
        .values("mediator")
        .annotate(
            handled=Count("id"),
            closed=Count("id", filter=Q(status=CaseStatus.CLOSED)),
            agreements=Count("id", filter=Q(status=CaseStatus.CLOSED, outcome=Outcome.AGREEMENT)),
            open=Count("id", filter=~Q(status__in=FINAL_STATUSES)),
        )
    }
    closed = list(
        Case.objects.filter(
            mediator__in=ids, status=CaseStatus.CLOSED, closed_at__isnull=False
        ).values_list("id", "mediator", "closed_at")
    )
    dispatched = _dispatch_times([case_id for case_id, _m, _c in closed])
    days: dict[int, list[float]] = {pk: [] for pk in ids}
    for case_id, mediator_id, closed_at in closed:
        if case_id in dispatched:
            days[mediator_id].append((closed_at - dispatched[case_id]).total_seconds() / 86400)
    ratings = {
        row["case__mediator"]: row
        for row in CaseRating.objects.filter(case__mediator__in=ids)
        .values("case__mediator")
        .annotate(avg=Avg("stars"), n=Count("id"))
    }
    empty = {"handled": 0, "closed": 0, "agreements": 0, "open": 0}
    result = {}
    for pk in ids:
        count = counts.get(pk, empty)
        rating = ratings.get(pk, {"avg": None, "n": 0})
        spans = days[pk]
        result[pk] = Performance(
            cases_handled=count["handled"],
            cases_open=count["open"],
            cases_closed=count["closed"],
            agreements=count["agreements"],
            success_rate=count["agreements"] / count["closed"] if count["closed"] else None,
            average_days=round(sum(spans) / len(spans), 1) if spans else None,
            average_rating=round(float(rating["avg"]), 2) if rating["avg"] is not None else None,
            ratings=rating["n"],
        )
    return result


def _dispatch_times(case_ids: list[int]) -> dict[int, datetime.datetime]:
    """Each case's last dispatch time, from its audit trail."""
    rows = (
        AuditEvent.objects.filter(case_id__in=case_ids, action=AuditAction.CASE_DISPATCHED)
        .order_by("case_id", "at")
        .values_list("case_id", "at")
    )
    return dict(rows)  # the latest dispatch wins: rows come oldest first
