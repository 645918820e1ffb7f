"""The periodic jobs of notifications: deadlines, rating requests, and retries.

Every hour the deadline job looks at each kind of deadline: a case's handling deadline,
a court referral's mediation period, a petition's handling period, a session, a return
visit, a department's report-in date. One due within two working days
(``deadlines.warning_horizon``) is announced once; a missed one once too, if it passed
lately (``deadlines.overdue_lookback``). Each notice has a key that names the deadline
and its date (``NotificationKey``): a deadline moved is a new deadline, one announced is
never announced again, however often the job runs.

The day after a case is closed, each party who has not rated it yet is asked to, once.
Every minute the retry job sends the deliveries that are due.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines, jobs
from .models import (
    Case,
    CaseParty,
    CaseStatus,
    DepartmentSummons,
    NotificationEvent,
    ReturnVisit,
)
from .models.handoffs import PetitionReferral
from .models.referrals import Referral, ReferralStatus
from .models.sessions import MediationSession, SessionStatus
from .services_delivery import (
    Party,
    Staff,
    deliveries_retry,
    keys_unused,
    keys_use,
    notify_event,
)

OPEN = (CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.MEDIATING)


@dataclasses.dataclass
class Due:
    """One deadline: what it is, when, of which case, and who is told."""

    key: str
    what: str
    due: datetime.date
    case: Case
    staff: list = dataclasses.field(default_factory=list)
    parties: list = dataclasses.field(default_factory=list)
    context: dict = dataclasses.field(default_factory=dict)


def _handler(case: Case) -> Staff:
    """Whoever handles ``case``: its mediator, or everyone at its handling organisation."""
    if case.mediator_id is not None:
        return Staff(user_id=case.mediator_id)
    return Staff(organisation_id=case.handling_org_id)


@dataclasses.dataclass(frozen=True)
class Source:
    """A kind of deadline kept in a date field (``field``) of the rows still waiting on
    it (``waiting``): its key's prefix, what it is, the row's case and who is told."""

    prefix: str
    what: str
    waiting: QuerySet
    field: str
    case: Callable[[object], Case]
    staff: Callable[[object], list[Staff]]

    def __call__(self, first: datetime.date, last: datetime.date) -> Iterable[Due]:
        for row in self.waiting.filter(**{f"{self.field}__range": (first, last)}):
            due = getattr(row, self.field)
            case = self.case(row)
            yield Due(f"{self.prefix}:{row.pk}:{due}", self.what, due, case, self.staff(row))


def _handling_org(row) -> list[Staff]:
    """Everyone at the handling organisation of ``row``'s case."""
    return [Staff(organisation_id=row.case.handling_org_id)]


def _referral_staff(referral) -> list[Staff]:
    staff = [Staff(organisation_id=referral.centre_id)]
    if referral.case.mediator_id is not None:
        staff.append(Staff(user_id=referral.case.mediator_id))
    return staff


_cases = Source(
    prefix="case",
    what=_("handling deadline"),
    waiting=Case.objects.filter(status__in=OPEN).only(
        "pk", "number", "title", "due_at", "mediator_id", "handling_org_id"
    ),
    field="due_at",
    case=lambda case: case,
    staff=lambda case: [_handler(case)],
)
_referrals = Source(
    prefix="referral",
    what=_("court referral's mediation deadline"),
    waiting=Referral.objects.filter(status=ReferralStatus.MEDIATING).select_related("case"),
    field="due_on",
    case=lambda referral: referral.case,
    staff=_referral_staff,
)
_petitions = Source(
    prefix="petition",
    what=_("petition's handling deadline"),
    waiting=PetitionReferral.objects.filter(
        objected_at__isnull=True, result_recorded_at__isnull=True, case__status__in=OPEN
    ).select_related("case"),
    field="handle_by",
    case=lambda petition: petition.case,
    staff=_handling_org,
)
_return_visits = Source(
    prefix="visit",
    what=_("return visit date"),
    waiting=ReturnVisit.objects.filter(visited_at__isnull=True).select_related("case"),
    field="due_on",
    case=lambda visit: visit.case,
    staff=_handling_org,
)
_summonses = Source(
    prefix="summons",
    what=_("report-in date"),
    waiting=DepartmentSummons.objects.filter(
        reported_at__isnull=True,
        answered_by_director=False,
        consultation__planned_at__isnull=True,
    ).select_related("consultation__case"),
    field="due_on",
    case=lambda summons: summons.consultation.case,
    staff=lambda summons: [Staff(organisation_id=summons.department_id)],
)


def _sessions(first, last) -> Iterable[Due]:
    sessions = (
        MediationSession.objects.filter(
            status=SessionStatus.SCHEDULED,
            scheduled_at__gte=deadlines.start_of_day(first),
            scheduled_at__lt=deadlines.end_of_day(last),
        )
        .select_related("case")
        .prefetch_related("case__parties__person")
    )
    for session in sessions:
        case = session.case
        staff = [Staff(user_id=session.scheduled_by_id)] if session.scheduled_by_id else []
        day = timezone.localtime(session.scheduled_at).date()
        yield Due(
            f"session:{session.pk}:{session.scheduled_at.isoformat()}",
            _("mediation session date"),
            day,
            case,
            staff or [_handler(case)],
            [Party(party.person) for party in case.parties.all()],
            {"session": session, "place": _("online") if session.online else session.place},
        )


# Each source yields the deadlines falling between two dates; sessions are reminded, never
# reported missed, and a summons missed is escalated by its flow already.
NEAR_SOURCES: tuple[Callable, ...] = (
    _cases,
    _referrals,
    _petitions,
    _return_visits,
    _summonses,
    _sessions,
)
OVERDUE_SOURCES: tuple[Callable, ...] = (_cases, _referrals, _petitions, _return_visits)


def _once(by_key: dict[str, object], notify: Callable[[object], None]) -> int:
    """``notify`` each item of ``by_key`` whose key no notice has used yet, in the order
    of the keys, the keys marked used in the same transaction; returns how many."""
    fresh = keys_unused(by_key)
    if not fresh:
        return 0
    with transaction.atomic():
        keys_use(fresh)
        for key in sorted(fresh):
            notify(by_key[key])
    return len(fresh)


def _announce(event: str, prefix: str, dues: list[Due]) -> int:
    def notify(due: Due) -> None:
        notify_event(
            event=event,
            case=due.case,
            staff=due.staff,
            parties=due.parties,
            context={"what": due.what, "due": due.due, **due.context},
        )

    return _once({f"{prefix}:{due.key}": due for due in dues}, notify)


def deadline_notices_send(today: datetime.date | None = None) -> int:
    """Announce every deadline two working days away and every one missed lately, each
    once; returns how many were announced."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    horizon = deadlines.warning_horizon(today)
    yesterday = today - datetime.timedelta(days=1)
    since = deadlines.overdue_lookback(today)
    count = 0
    for source in NEAR_SOURCES:
        count += _announce(NotificationEvent.DEADLINE_NEAR, "near", list(source(tomorrow, horizon)))
    for source in OVERDUE_SOURCES:
        dues = list(source(since, yesterday))
        count += _announce(NotificationEvent.DEADLINE_OVERDUE, "overdue", dues)
    return count


def rating_requests_send(now: datetime.datetime | None = None) -> int:
    """Ask each party of a case closed before today, and still open to rating, who has
    not rated it, once; returns how many were asked."""
    now = now or timezone.now()
    today_began = deadlines.start_of_day(timezone.localdate(now))
    parties = CaseParty.objects.filter(
        case__status=CaseStatus.CLOSED,
        case__closed_at__lt=today_began,
        case__closed_at__gt=deadlines.rating_window_opened_after(now),
        ratings__isnull=True,
    ).select_related("case", "person")

    def notify(party: CaseParty) -> None:
        notify_event(
            event=NotificationEvent.RATING_REQUEST, case=party.case, parties=[Party(party.person)]
        )

    return _once({f"rating:{party.pk}": party for party in parties}, notify)


@jobs.periodic(every=datetime.timedelta(hours=1), name="mediation.deadline_notices")
def deadline_notices_job() -> None:
    deadline_notices_send()
    rating_requests_send()


@jobs.periodic(every=datetime.timedelta(minutes=1), name="mediation.deliveries_retry")
def deliveries_retry_job() -> None:
    deliveries_retry()
