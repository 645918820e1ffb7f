"""The closed loop of a case: accept, dispatch, record the outcome, verify, rate.

Each service locks the case row, checks that the case is in a state the step may
leave, makes the change and writes its audit event, all in one transaction. A call
in the wrong state raises ValidationError and changes nothing.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, selectors, services_notify, signals
from .atomic import atomic, held
from .models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseParty,
    CaseRating,
    CaseStatus,
    Channel,
    MediatorProfile,
    MediatorStatus,
    Membership,
    Organisation,
    OrgKind,
    Outcome,
    Tier,
)
from .models.handoffs import PetitionReferral
from .services import audit_record

# The level that handles a case of each tier (微事网格、小事村居、中事街镇、难事全区).
TIER_LEVEL = {
    Tier.MICRO: OrgKind.GRID,
    Tier.SMALL: OrgKind.COMMITTEE,
    Tier.MEDIUM: OrgKind.STREET_CENTRE,
    Tier.HARD: OrgKind.DISTRICT_CENTRE,
}


def case_locked(pk: int) -> Case:
    """The case ``pk`` under a row lock: the one this step holds (``atomic.hold``), or
    read again with ``SELECT … FOR UPDATE``."""
    return held(Case, pk) or Case.objects.select_for_update().get(pk=pk)


def _locked(case: Case, *allowed: str) -> Case:
    """Reload ``case`` under a row lock and check that its status is one of ``allowed``.

    A step that has already read the case under its lock (``atomic.hold``) is not
    read again."""
    locked = case_locked(case.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("This step is not possible while the case is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


def case_accept(*, case: Case, actor, tier: str) -> Case:
    """Accept a reported case (受理) at ``tier``; its deadline runs from today."""
    if tier not in Tier.values:
        raise ValidationError(_("Choose a tier."))
    with atomic():
        case = _locked(case, CaseStatus.REPORTED)
        case.status = CaseStatus.ACCEPTED
        case.tier = tier
        case.accepted_at = timezone.now()
        case.due_at = deadlines.tier_due_date(timezone.localdate(case.accepted_at), tier)
        case.save(update_fields=["status", "tier", "accepted_at", "due_at"])
        audit_record(action=AuditAction.CASE_ACCEPTED, actor=actor, case=case, tier=tier)
    return case


def _end(case: Case, status: str) -> None:
    case.status = status
    case.closed_at = timezone.now()
    case.due_at = None


def _not_a_transferred_petition(case: Case) -> None:
    """A petition transferred to the centre goes back only by the centre's objection,
    within 5 working days of the transfer (信访工作条例 art 23), which the bureau hears of."""
    if (
        case.channel == Channel.PETITION
        and PetitionReferral.objects.filter(case=case, objected_at__isnull=True).exists()
    ):
        raise ValidationError(
            _(
                "A transferred petition is not declined or sent elsewhere here: object to "
                "the transfer on the petition's page, within 5 working days of it "
                "(信访工作条例 art 23)."
            )
        )


def case_reject(*, case: Case, actor, reason: str) -> Case:
    """Decline a reported case (不予受理); the reason is kept on the record."""
    reason = _required(reason, _("Give the reason the case is not accepted."))
    with atomic():
        case = _locked(case, CaseStatus.REPORTED)
        _not_a_transferred_petition(case)
        _end(case, CaseStatus.REJECTED)
        case.save(update_fields=["status", "closed_at", "due_at"])
        audit_record(action=AuditAction.CASE_REJECTED, actor=actor, case=case, reason=reason)
    return case


def case_merge(*, case: Case, actor, into: Case, reason: str) -> Case:
    """Merge a reported case into another open case about the same dispute."""
    reason = _required(reason, _("Give the reason for the merge."))
    if into.pk == case.pk:
        raise ValidationError(_("A case cannot be merged into itself."))
    with atomic():
        case = _locked(case, CaseStatus.REPORTED)
        into = Case.objects.select_for_update().get(pk=into.pk)
        if not into.is_open:
            raise ValidationError(_("A case can only be merged into an open case."))
        _end(case, CaseStatus.MERGED)
        case.merged_into = into
        case.save(update_fields=["status", "closed_at", "due_at", "merged_into"])
        audit_record(
            action=AuditAction.CASE_MERGED, actor=actor, case=case, into=into.number, reason=reason
        )
    return case


def case_redirect(*, case: Case, actor, to_body: str, reason: str, police: bool) -> Case:
    """Send a reported case to the body that should handle it.

    A matter that may become a public-order or criminal case goes to the police
    (人民调解法 art 25); ``police`` records that it did.
    """
    to_body = _required(to_body, _("Name the body the case is sent to."))
    reason = _required(reason, _("Give the reason the case is sent elsewhere."))
    with atomic():
        case = _locked(case, CaseStatus.REPORTED)
        _not_a_transferred_petition(case)
        _redirected(case, actor=actor, to_body=to_body, reason=reason, police=police)
    return case


def _redirected(case: Case, *, actor, to_body: str, reason: str, police: bool) -> None:
    """End the locked ``case`` as sent to ``to_body``, on the record with the reason."""
    _end(case, CaseStatus.REDIRECTED)
    case.save(update_fields=["status", "closed_at", "due_at"])
    audit_record(
        action=AuditAction.CASE_REDIRECTED,
        actor=actor,
        case=case,
        to_body=to_body,
        reason=reason,
        police=police,
    )


def dispatch_level_ok(*, case: Case, organisation: Organisation) -> bool:
    """Whether ``organisation`` is at the tier's level and in the accepting centre's line."""
    if TIER_LEVEL.get(case.tier) != organisation.kind:
        return False
    return organisation.is_within(case.centre) or case.centre.is_within(organisation)


def case_dispatch(*, case: Case, actor, organisation: Organisation, mediator=None) -> Case:
    """Send an accepted case to the organisation at its tier's level (分拨).

    The mediator works at that organisation or is on the roster, and is never a party
    to the case. A case with a party from a special group (问诊) goes to a mediator
    whose specialties match, whenever the roster has one.
    """
    with atomic():
        case = _locked(case, CaseStatus.ACCEPTED)
        if not dispatch_level_ok(case=case, organisation=organisation):
            raise ValidationError(
                {
                    "organisation": _(
                        "A case of tier “%(tier)s” goes to a %(kind)s under %(centre)s."
                    )
                    % {
                        "tier": case.get_tier_display(),
                        "kind": OrgKind(TIER_LEVEL[case.tier]).label,
                        "centre": case.centre.name,
                    }
                }
            )
        if mediator is not None:
            works_there = Membership.objects.filter(
                user=mediator, organisation__path__startswith=organisation.path
            ).exists()
            on_roster = (
                works_there
                or MediatorProfile.objects.filter(
                    user=mediator, status=MediatorStatus.ACTIVE
                ).exists()
            )
            if not on_roster:
                raise ValidationError(
                    {
                        "mediator": _(
                            "The mediator must work at the organisation or be on the roster."
                        )
                    }
                )
            if selectors.mediator_is_party(case=case, mediator=mediator):
                raise ValidationError(
                    {"mediator": _("A mediator cannot handle a case to which they are a party.")}
                )
        if case.is_priority and selectors.specialists_for(case):
            if mediator is None or not selectors.mediator_matches(case=case, mediator=mediator):
                raise ValidationError(
                    {
                        "mediator": _(
                            "A party belongs to a special group: choose a mediator whose "
                            "specialties cover %(type)s (问诊)."
                        )
                        % {"type": case.get_dispute_type_display()}
                    }
                )
        case.status = CaseStatus.DISPATCHED
        case.handling_org = organisation
        case.mediator = mediator
        case.save(update_fields=["status", "handling_org", "mediator"])
        audit_record(
            action=AuditAction.CASE_DISPATCHED,
            actor=actor,
            case=case,
            organisation=organisation.name,
            mediator=mediator.get_username() if mediator else "",
        )
    return case


def case_record_outcome(
    *, case: Case, actor, outcome: str, summary: str, reasons: str = "", other_routes: str = ""
) -> Case:
    """Record how mediation ended; the case then waits for verification.

    Mediation that fails is terminated with its reasons, and the parties are told
    their other routes (人民调解法 art 26).
    """
    if outcome not in (Outcome.AGREEMENT, Outcome.TERMINATED):
        raise ValidationError({"outcome": _("Choose agreement or termination.")})
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Summarise the work done and its result.")
    if outcome == Outcome.TERMINATED:
        if not reasons.strip():
            errors["reasons"] = _("A terminated mediation states its reasons.")
        if not other_routes.strip():
            errors["other_routes"] = _("Tell the parties their other routes (art 26).")
    if errors:
        raise ValidationError(errors)
    with atomic():
        case = _locked(case, CaseStatus.DISPATCHED, CaseStatus.MEDIATING)
        case.status = CaseStatus.VERIFYING
        case.outcome = outcome
        case.save(update_fields=["status", "outcome"])
        audit_record(
            action=AuditAction.CASE_OUTCOME,
            actor=actor,
            case=case,
            outcome=outcome,
            summary=summary.strip(),
            reasons=reasons.strip(),
            other_routes=other_routes.strip(),
        )
    return case


def case_verify_close(*, case: Case, actor) -> Case:
    """Check the recorded outcome and close the case (核查结案).

    The verifier must be someone other than the handler who recorded the outcome.
    """
    with atomic():
        case = _locked(case, CaseStatus.VERIFYING)
        recorder = selectors.case_outcome_recorder(case)
        if actor is None or (recorder is not None and recorder.pk == actor.pk):
            raise ValidationError(_("The handler who recorded the outcome cannot verify it."))
        case.status = CaseStatus.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at"])
        audit_record(action=AuditAction.CASE_CLOSED, actor=actor, case=case)
        services_notify.case_closed(case=case)
        transaction.on_commit(
            lambda: signals.case_closed.send(sender=Case, case=case, actor=actor), robust=True
        )
    return case


@dataclasses.dataclass(frozen=True)
class RatingInput:
    """One party's rating: 1 to 5 stars and an optional comment."""

    party: CaseParty
    stars: int
    comment: str = ""


def case_rate_parties(*, case: Case, ratings: list[RatingInput], actor=None) -> list[CaseRating]:
    """Record the ratings of the parties reached (考核评价), once per party.

    Staff often collect every party's rating in one call round, so one step records
    them all; a party not reached yet rates later, until the rating window ends.
    """
    if not ratings:
        raise ValidationError(_("Record the rating of at least one party."))
    for rating in ratings:
        if not 1 <= int(rating.stars) <= 5:
            raise ValidationError({"stars": _("A rating is from one to five stars.")})
    parties = [rating.party.pk for rating in ratings]
    if len(set(parties)) != len(parties):
        raise ValidationError({"party": _("Each party rates the case once.")})
    with atomic():
        case = _locked(case, CaseStatus.CLOSED)
        if any(rating.party.case_id != case.pk for rating in ratings):
            raise ValidationError({"party": _("This person is not a party to the case.")})
        if CaseRating.objects.filter(case=case, party__in=parties).exists():
            raise ValidationError({"party": _("This party has already rated the case.")})
        made = CaseRating.objects.bulk_create(
            CaseRating(
                case=case,
                party=rating.party,
                stars=int(rating.stars),
                comment=rating.comment.strip(),
                recorded_by=actor,
            )
            for rating in ratings
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action=AuditAction.CASE_RATED,
                actor=actor,
                case=case,
                data={"party": rating.party.person.name, "stars": int(rating.stars)},
            )
            for rating in ratings
        )
    return made


def case_rate(
    *, case: Case, party: CaseParty, stars: int, comment: str = "", actor=None
) -> CaseRating:
    """Record one party's rating of a closed case (考核评价), once per party."""
    (rating,) = case_rate_parties(
        case=case, ratings=[RatingInput(party=party, stars=stars, comment=comment)], actor=actor
    )
    return rating


def case_rating_close(*, case: Case, actor=None) -> Case:
    """End the rating step of a closed case; parties who have not rated are noted."""
    with atomic():
        case = _locked(case, CaseStatus.CLOSED)
        unrated = [party.person.name for party in selectors.case_parties_unrated(case)]
        audit_record(action=AuditAction.CASE_RATING_CLOSED, actor=actor, case=case, unrated=unrated)
    return case


__all__ = [
    "TIER_LEVEL",
    "RatingInput",
    "case_accept",
    "case_dispatch",
    "case_merge",
    "case_rate",
    "case_rate_parties",
    "case_rating_close",
    "case_record_outcome",
    "case_redirect",
    "case_reject",
    "case_verify_close",
    "dispatch_level_ok",
]
