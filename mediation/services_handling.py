"""Handling a dispatched case: starting mediation, escalating it, home visits, notices.

Tiered handling: small matters stay in the grid, big ones in the community, and major
ones go up level by level (小事不出格、大事不出居、重大问题逐级上报). The handler may
escalate one level up with a reason; a missed handling deadline escalates by itself
and tells the level above.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .atomic import atomic
from .models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseParty,
    CaseStatus,
    HomeVisit,
    Notification,
    Organisation,
    OrgKind,
    Tier,
)
from .services import audit_record
from .services_case import TIER_LEVEL, _locked, _required

HANDLING_STATUSES = (CaseStatus.DISPATCHED, CaseStatus.MEDIATING)
TIER_ORDER = [Tier.MICRO, Tier.SMALL, Tier.MEDIUM, Tier.HARD]


def notify(*, text: str, organisation: Organisation | None = None, user=None, case=None):
    """Leave a notice for an organisation's staff or for one user."""
    return Notification.objects.create(organisation=organisation, user=user, case=case, text=text)


def case_start_mediation(*, case: Case, actor, note: str = "") -> Case:
    """The handler takes up a dispatched case and starts mediating (签收并开始调解)."""
    with atomic():
        case = _locked(case, CaseStatus.DISPATCHED)
        case.status = CaseStatus.MEDIATING
        case.save(update_fields=["status"])
        audit_record(action=AuditAction.CASE_MEDIATING, actor=actor, case=case, note=note.strip())
    return case


def tier_above(tier: str) -> str | None:
    index = TIER_ORDER.index(tier)
    return TIER_ORDER[index + 1] if index + 1 < len(TIER_ORDER) else None


def level_above(case: Case, tier: str) -> Organisation:
    """The organisation at ``tier``'s level above the case's handling organisation."""
    kind = TIER_LEVEL[tier]
    above_handler = case.handling_org.line()[:-1]
    above = Organisation.objects.filter(path__in=above_handler, kind=kind).order_by("-path").first()
    if above is None:
        # A case handled outside the centres' line goes up through its registering centre.
        above = (
            Organisation.objects.filter(kind=kind)
            .filter(path__in=case.centre.line())
            .order_by("-path")
            .first()
        )
    if above is None:
        raise ValidationError(_("There is no level above this one to escalate to."))
    return above


def case_escalate(*, case: Case, actor, reason: str, automatic: bool = False) -> Case:
    """Send a case being handled one level up (逐级上报): a higher tier, dispatched again.

    The level above is told; the case's deadline runs again from today at the new tier.
    """
    reason = _required(reason, _("Give the reason for escalating the case."))
    with atomic():
        case = _locked(case, *HANDLING_STATUSES)
        tier = tier_above(case.tier)
        if tier is None:
            raise ValidationError(
                _("A hard case is already handled by the district centre; it cannot go higher.")
            )
        above = level_above(case, tier)
        previous = case.handling_org
        case.tier = tier
        case.status = CaseStatus.ACCEPTED
        case.handling_org = above
        case.mediator = None
        case.due_at = deadlines.tier_due_date(timezone.localdate(), tier)
        case.save(update_fields=["tier", "status", "handling_org", "mediator", "due_at"])
        audit_record(
            action=AuditAction.CASE_ESCALATED,
            actor=actor,
            case=case,
            reason=reason,
            automatic=automatic,
            from_org=previous.name,
            to_org=above.name,
            tier=tier,
        )
        notify(
            organisation=above,
            case=case,
            text=_("Case %(number)s was escalated to you from %(org)s: %(reason)s")
            % {"number": case.number, "org": previous.name, "reason": reason},
        )
    return case


def case_overdue(*, case: Case) -> Case:
    """The handling deadline passed: escalate by itself, or alert the district centre.

    Called by the flow's deadline timer.
    """
    reason = _("The handling deadline %(due)s was missed.") % {"due": case.due_at}
    with atomic():
        case = _locked(case, *HANDLING_STATUSES)
        if tier_above(case.tier) is not None:
            return case_escalate(case=case, actor=None, reason=reason, automatic=True)
        audit_record(action=AuditAction.CASE_OVERDUE, actor=None, case=case, due=str(case.due_at))
        notify(
            organisation=case.handling_org,
            case=case,
            text=_("Case %(number)s is overdue: %(reason)s")
            % {"number": case.number, "reason": reason},
        )
    return case


def handling_deadline(case: Case, now: datetime.datetime | None = None) -> datetime.datetime:
    """When a case's handling task times out: the end of its due date.

    A deadline already missed fires at once, unless the miss has been alerted (a hard
    case has no level above): then the reminder repeats weekly.
    """
    now = now or timezone.now()
    if case.due_at is None:
        return now + deadlines.OVERDUE_REMINDER
    end = deadlines.end_of_day(case.due_at)
    if end > now:
        return end
    alerted = AuditEvent.objects.filter(
        case=case, action=AuditAction.CASE_OVERDUE, data__due=str(case.due_at)
    ).exists()
    return now + deadlines.OVERDUE_REMINDER if alerted else end


def home_visit_schedule(
    *, case: Case, actor, party: CaseParty, visit_on: datetime.date, address: str, purpose: str
) -> HomeVisit:
    """Arrange a visit to a party at home (上门问诊), for one who cannot easily come in."""
    errors = {}
    if party.case_id != case.pk:
        errors["party"] = _("This person is not a party to the case.")
    if visit_on < timezone.localdate():
        errors["visit_on"] = _("A visit cannot be arranged in the past.")
    if not (address or "").strip():
        errors["address"] = _("Give the address to visit.")
    if not (purpose or "").strip():
        errors["purpose"] = _("Say what the visit is for.")
    if errors:
        raise ValidationError(errors)
    with atomic():
        case = _locked(case, CaseStatus.ACCEPTED, *HANDLING_STATUSES)
        visit = HomeVisit.objects.create(
            case=case,
            party=party,
            visit_on=visit_on,
            address=address.strip(),
            purpose=purpose.strip(),
            visitor=actor,
        )
        audit_record(
            action=AuditAction.HOME_VISIT_SCHEDULED,
            actor=actor,
            case=case,
            party=party.person.name,
            visit_on=str(visit_on),
        )
    return visit


def district_centre_of(case: Case) -> Organisation:
    """The district centre above the case: where a director answers for the district."""
    return (
        Organisation.objects.filter(kind=OrgKind.DISTRICT_CENTRE, path__in=case.centre.line())
        .order_by("path")
        .first()
        or Organisation.objects.filter(kind=OrgKind.DISTRICT_CENTRE).order_by("path").first()
    )


__all__ = [
    "case_escalate",
    "case_overdue",
    "case_start_mediation",
    "district_centre_of",
    "handling_deadline",
    "home_visit_schedule",
    "level_above",
    "notify",
    "tier_above",
]
