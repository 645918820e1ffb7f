"""How a court referral ends: success (judicial confirmation) or failure (termination
and undisputed facts); then the court registers a returned delegation (调解转立案) or
resumes the trial of a returned entrustment (委托)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, selectors, services
from .models import AuditAction, Outcome
from .models.referrals import CourtDecision, Referral, ReferralKind, ReferralStatus
from .services_handling import notify


def _locked(referral: Referral, *allowed: str) -> Referral:
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("This step is not possible while the referral is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _audit(referral: Referral, action: str, actor, **data) -> None:
    services.audit_record(action=action, actor=actor, case=referral.case, **data)


def _send_back(referral: Referral, actor, reason: str, *, tell_court: bool = True) -> None:
    """The locked ``referral`` goes back to the court with its materials and ``reason``."""
    referral.status = ReferralStatus.RETURNED
    referral.return_reason = reason
    referral.returned_at = timezone.now()
    referral.save(update_fields=["status", "return_reason", "returned_at"])
    _audit(referral, AuditAction.REFERRAL_RETURNED, actor, reason=reason)
    if not tell_court:
        return
    notify(
        organisation=referral.court,
        case=referral.case,
        text=_("Referral %(number)s is back from the centre: %(reason)s")
        % {"number": referral.case.number, "reason": reason[:200]},
    )


def referral_outcome(*, referral: Referral) -> Referral:
    """The case loop recorded the outcome: the referral is agreed or failed."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        case = referral.case
        outcome_event = selectors.case_latest_outcome(case)
        if case.outcome == Outcome.AGREEMENT:
            referral.status = ReferralStatus.AGREED
            referral.agreed_on = timezone.localdate()
        elif case.outcome == Outcome.TERMINATED:
            referral.status = ReferralStatus.FAILED
            referral.termination_reasons = (outcome_event.data or {}).get("reasons", "")
        else:
            raise ValidationError(_("The case has no outcome yet."))
        referral.save(update_fields=["status", "agreed_on", "termination_reasons"])
        _audit(referral, AuditAction.REFERRAL_OUTCOME, None, outcome=case.outcome)
    return referral


def referral_confirmation_apply(*, referral: Referral, actor, applied_on: datetime.date):
    """Both parties apply together for judicial confirmation, within 30 days (art 33)."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.AGREED)
        last = deadlines.confirmation_apply_by(referral.agreed_on)
        if applied_on is None or applied_on < referral.agreed_on or applied_on > last:
            raise ValidationError(
                {
                    "applied_on": _(
                        "The joint application is made between the agreement and %(last)s."
                    )
                    % {"last": last}
                }
            )
        referral.confirmation_applied_on = applied_on
        referral.save(update_fields=["confirmation_applied_on"])
        _audit(referral, AuditAction.REFERRAL_CONFIRMATION, actor, applied_on=str(applied_on))
        notify(
            organisation=referral.court,
            case=referral.case,
            text=_("The parties of referral %(number)s apply for judicial confirmation.")
            % {"number": referral.case.number},
        )
    return referral


def referral_court_decide(*, referral: Referral, actor, decision: str) -> Referral:
    """The court records its decision on the application: accepted, confirmed, rejected."""
    if decision not in (CourtDecision.ACCEPTED, CourtDecision.CONFIRMED, CourtDecision.REJECTED):
        raise ValidationError({"decision": _("Choose the court's decision.")})
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.AGREED)
        if referral.confirmation_applied_on is None:
            raise ValidationError(_("No application for judicial confirmation was made."))
        referral.court_decision = decision
        referral.court_decided_at = timezone.now()
        referral.save(update_fields=["court_decision", "court_decided_at"])
        _audit(referral, AuditAction.REFERRAL_CONFIRMATION, actor, decision=decision)
    return referral


def referral_failure_records(
    *, referral: Referral, actor, undisputed_facts: str, cost_conduct: str = ""
) -> Referral:
    """The termination record and the undisputed facts (在线调解规则 arts 21–22); the
    referral goes back to the court with all its materials."""
    if not (undisputed_facts or "").strip():
        raise ValidationError(
            {"undisputed_facts": _("List the facts the parties do not dispute, or say none.")}
        )
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.FAILED)
        referral.undisputed_facts = undisputed_facts.strip()
        referral.cost_conduct = (cost_conduct or "").strip()
        referral.status = ReferralStatus.RETURNED
        referral.returned_at = timezone.now()
        referral.return_reason = referral.termination_reasons
        referral.save(
            update_fields=[
                "undisputed_facts",
                "cost_conduct",
                "status",
                "returned_at",
                "return_reason",
            ]
        )
        _audit(referral, AuditAction.REFERRAL_RETURNED, actor, reason=referral.return_reason)
        notify(
            organisation=referral.court,
            case=referral.case,
            text=_("Mediation of referral %(number)s failed; the materials are back.")
            % {"number": referral.case.number},
        )
    return referral


def referral_register(*, referral: Referral, actor, court_case_number: str) -> Referral:
    """The court registers the returned dispute (立案) and records its own case number."""
    return _back_at_court(
        referral,
        actor,
        court_case_number,
        kind=ReferralKind.DELEGATION,
        refusal=_("An entrusted case is already filed: record that its trial resumes instead."),
        status=ReferralStatus.REGISTERED,
        stamp="registered_at",
        action=AuditAction.REFERRAL_REGISTERED,
    )


def referral_trial_resume(*, referral: Referral, actor, court_case_number: str) -> Referral:
    """A returned entrustment (委托) goes back to its trial under the court's existing case
    number: the case was filed before it was entrusted, so there is no new 立案."""
    return _back_at_court(
        referral,
        actor,
        court_case_number,
        kind=ReferralKind.ENTRUSTMENT,
        refusal=_("A delegated dispute was never filed: the court registers it instead."),
        status=ReferralStatus.TRIAL,
        stamp="trial_resumed_at",
        action=AuditAction.REFERRAL_TRIAL_RESUMED,
    )


def _back_at_court(
    referral: Referral, actor, court_case_number: str, *, kind, refusal, status, stamp, action
) -> Referral:
    """A returned referral of ``kind`` is taken up by the court under its case number."""
    number = (court_case_number or "").strip()
    if not number:
        raise ValidationError({"court_case_number": _("Enter the court's case number.")})
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.RETURNED)
        if referral.kind != kind:
            raise ValidationError(refusal)
        referral.court_case_number = number
        referral.status = status
        setattr(referral, stamp, timezone.now())
        referral.save(update_fields=["court_case_number", "status", stamp])
        _audit(referral, action, actor, number=number)
    return referral


__all__ = [
    "referral_confirmation_apply",
    "referral_court_decide",
    "referral_failure_records",
    "referral_outcome",
    "referral_register",
    "referral_trial_resume",
]
