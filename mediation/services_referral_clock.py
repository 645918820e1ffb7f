"""The clock of a court referral (特邀调解规定): its period runs from the mediator's
acceptance, is extended only with both parties' agreement, stands still during an
appraisal (鉴定), and when it runs out the centre's director is alerted."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .models import AuditAction, Case, Membership, Role
from .models.referrals import Appraisal, ClockExtension, Referral, ReferralStatus
from .services_handling import notify
from .services_referral_end import _audit, _locked


def _today() -> datetime.date:
    return timezone.localdate()


def _appraisal_days(referral: Referral) -> int:
    today = _today()
    return sum(((a.ended_on or today) - a.started_on).days for a in referral.appraisals.all())


def _reclock(referral: Referral) -> None:
    """Recompute the due day: period + extensions + appraisal days; the case follows."""
    extra = sum(referral.extensions.values_list("days", flat=True)) + _appraisal_days(referral)
    referral.due_on = deadlines.referral_due_on(
        referral.clock_started_on, referral.kind, referral.procedure, extra
    )
    referral.overdue_escalated_at = None
    referral.save(update_fields=["due_on", "overdue_escalated_at"])
    Case.objects.filter(pk=referral.case_id).update(due_at=referral.due_on)


def referral_extend(
    *,
    referral: Referral,
    actor,
    days: int,
    reason: str,
    applicant_consents: bool,
    respondent_consents: bool,
) -> Referral:
    """Extend the period: only with both parties' agreement, each extension recorded."""
    errors = {}
    if not (applicant_consents and respondent_consents):
        errors["applicant_consents"] = _(
            "The period is extended only when both parties agree; record both consents."
        )
    if not days or days < 1:
        errors["days"] = _("Extend by at least one day.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the extension.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        ClockExtension.objects.create(
            referral=referral, days=days, reason=reason.strip(), recorded_by=actor
        )
        _reclock(referral)
        _audit(referral, AuditAction.REFERRAL_EXTENDED, actor, days=days, due=str(referral.due_on))
    return referral


def referral_appraisal_start(*, referral: Referral, actor, subject: str) -> Appraisal:
    """An appraisal (鉴定) begins: the clock stops until it ends."""
    if not (subject or "").strip():
        raise ValidationError({"subject": _("Say what is appraised.")})
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        if referral.appraisals.filter(ended_on__isnull=True).exists():
            raise ValidationError(_("An appraisal is already under way."))
        appraisal = Appraisal.objects.create(
            referral=referral, subject=subject.strip(), started_on=_today()
        )
        _audit(referral, AuditAction.REFERRAL_APPRAISAL, actor, started=str(_today()))
    return appraisal


def referral_appraisal_end(*, referral: Referral, actor) -> Referral:
    """The appraisal is back: the clock runs on, its days added to the period."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        updated = referral.appraisals.filter(ended_on__isnull=True).update(ended_on=_today())
        if not updated:
            raise ValidationError(_("No appraisal is under way."))
        _reclock(referral)
        _audit(referral, AuditAction.REFERRAL_APPRAISAL, actor, ended=str(_today()))
    return referral


def referral_overdue(*, referral: Referral) -> bool:
    """The period has run out: alert the centre's director once; the court sees it overdue.

    Returns False when the period moved (an extension or an appraisal) before it ran out.
    """
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING, ReferralStatus.SUSPENDED)
        if referral.appraisals.filter(ended_on__isnull=True).exists():
            return False
        if referral.due_on is None or referral.due_on >= _today():
            return False
        if referral.overdue_escalated_at is None:
            referral.overdue_escalated_at = timezone.now()
            referral.save(update_fields=["overdue_escalated_at"])
            _audit(referral, AuditAction.REFERRAL_OVERDUE, None, due=str(referral.due_on))
            text = _("Court referral %(number)s is overdue: its period ended on %(due)s.") % {
                "number": referral.case.number,
                "due": referral.due_on,
            }
            directors = Membership.objects.filter(
                organisation=referral.centre, role=Role.CENTRE_DIRECTOR
            ).select_related("user")
            for membership in directors:
                notify(user=membership.user, case=referral.case, text=text)
    return True


__all__ = [
    "referral_appraisal_end",
    "referral_appraisal_start",
    "referral_extend",
    "referral_overdue",
]
