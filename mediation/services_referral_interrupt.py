"""What interrupts a court referral's mediation: a recusal (回避), after which the
referral goes back to designation, and suspected sham mediation (虚假调解), which
suspends mediation until the court lets it resume or takes the case back."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors_referral, services
from .models import AuditAction, Case, CaseStatus, Outcome
from .models.referrals import (
    DocumentKind,
    Recusal,
    RecusalKind,
    Referral,
    ReferralStatus,
    Suspension,
    SuspensionDecision,
)
from .services_handling import HANDLING_STATUSES, notify
from .services_referral_clock import _reclock
from .services_referral_end import _audit, _locked, _send_back
from .services_referral_uploads import document_add


def referral_recuse(*, referral: Referral, actor, kind: str, reason: str, consent=None) -> Recusal:
    """The mediator declares a conflict, or a party asks for another mediator (回避).

    A declared conflict with both parties' written consent (``consent``, an upload)
    keeps the mediator, and is recorded. Otherwise the mediator is recused: they lose
    the case at once, and the referral goes back to designation, where the rotation
    passes them over.
    """
    reason = (reason or "").strip()
    errors = {}
    if kind not in RecusalKind.values:
        errors["kind"] = _("Say why the mediator withdraws.")
    if not reason:
        errors["reason"] = _("Give the reason for the recusal.")
    if consent is not None and kind != RecusalKind.CONFLICT:
        errors["consent"] = _(
            "The parties' written consent keeps a mediator with a declared conflict; a "
            "party who asks for another mediator is always granted one."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        if not (
            selectors_referral.user_is_mediator(actor, referral)
            or selectors_referral.user_is_centre_staff(actor, referral)
        ):
            raise ValidationError(_("Only the case's mediator or the centre records a recusal."))
        mediator = referral.mediator
        document = None
        if consent is not None:
            document = document_add(
                referral=referral, upload=consent, kind=DocumentKind.CONSENT, actor=actor
            )
        recusal = Recusal.objects.create(
            referral=referral,
            mediator=mediator,
            kind=kind,
            reason=reason,
            consent=document,
            kept=document is not None,
            recorded_by=actor,
        )
        _audit(
            referral,
            AuditAction.REFERRAL_RECUSED,
            actor,
            mediator=mediator.get_username(),
            kind=kind,
            kept=recusal.kept,
            reason=reason,
        )
        if recusal.kept:
            return recusal
        referral.mediator = None
        referral.proposed_mediator = None
        referral.status = ReferralStatus.CHOOSING
        referral.save(update_fields=["mediator", "proposed_mediator", "status"])
        Case.objects.filter(pk=referral.case_id).update(mediator=None)
        notify(
            organisation=referral.centre,
            case=referral.case,
            text=_("The mediator of referral %(number)s is recused: another is designated.")
            % {"number": referral.case.number},
        )
    return recusal


def referral_flag_sham(*, referral: Referral, actor, note: str) -> Suspension:
    """The mediator suspects sham mediation (虚假调解): mediation stops, the court is told."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what suggests a sham mediation.")})
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        if referral.mediator_id != actor.pk:
            raise ValidationError(_("Only the case's mediator flags a sham mediation."))
        referral.status = ReferralStatus.SUSPENDED
        referral.save(update_fields=["status"])
        suspension = Suspension.objects.create(
            referral=referral, note=note, flagged_by=actor, started_on=timezone.localdate()
        )
        _audit(referral, AuditAction.REFERRAL_SHAM, actor, note=note)
        notify(
            organisation=referral.court,
            case=referral.case,
            text=_(
                "Mediation of referral %(number)s is suspended: suspected sham mediation. "
                "Let it resume or take the case back."
            )
            % {"number": referral.case.number},
        )
    return suspension


def referral_sham_decide(*, referral: Referral, actor, resume: bool, note: str) -> Referral:
    """The court decides on a suspended referral: mediation resumes, the suspended days
    not counting against the period; or the court takes the case back, and the case's
    mediation is terminated with the court's reasons."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Give the court's reasons.")})
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.SUSPENDED)
        suspension = referral.suspensions.select_for_update().get(ended_on__isnull=True)
        suspension.ended_on = timezone.localdate()
        suspension.decision = SuspensionDecision.RESUMED if resume else SuspensionDecision.ENDED
        suspension.decision_note = note
        suspension.decided_by = actor
        suspension.decided_at = timezone.now()
        suspension.save()
        if resume:
            referral.status = ReferralStatus.MEDIATING
            referral.save(update_fields=["status"])
            _reclock(referral)
            _audit(referral, AuditAction.REFERRAL_RESUMED, actor, note=note)
            notify(
                organisation=referral.centre,
                case=referral.case,
                text=_("The court lets the mediation of referral %(number)s resume.")
                % {"number": referral.case.number},
            )
            return referral
        reason = _("The court took the case back after a suspected sham mediation: %(note)s") % {
            "note": note
        }
        _send_back(referral, actor, reason, tell_court=False)
        case = Case.objects.get(pk=referral.case_id)
        if case.status in HANDLING_STATUSES:
            services.case_record_outcome(
                case=case,
                actor=actor,
                outcome=Outcome.TERMINATED,
                summary=reason,
                reasons=note,
                other_routes=_("The court handles the dispute."),
            )
        elif case.status != CaseStatus.VERIFYING:
            raise ValidationError(_("The case's mediation cannot be ended in its present state."))
        notify(
            organisation=referral.centre,
            case=referral.case,
            text=_("The court took referral %(number)s back.") % {"number": referral.case.number},
        )
    return referral


__all__ = ["referral_flag_sham", "referral_recuse", "referral_sham_decide"]
