"""The clock of a court referral (特邀调解规定): its period runs from the mediator's
acceptance, is extended only with every party's agreement (each extension kept as a
record), stands still during an appraisal (鉴定) and while mediation is suspended for
suspected sham mediation, and when it runs out the centre's director is alerted. The
centre's own designation, when the rotation finds nobody, has 3 working days."""

import datetime
from collections.abc import Collection

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


def _paused_days(referral: Referral) -> int:
    """The days an appraisal or a suspension stopped the clock, each day counted once."""
    today = _today()
    spans = sorted(
        (start, end or today)
        for start, end in [
            *referral.appraisals.values_list("started_on", "ended_on"),
            *referral.suspensions.values_list("started_on", "ended_on"),
        ]
    )
    days, reached = 0, None
    for start, end in spans:
        start = max(start, reached) if reached else start
        if end > start:
            days += (end - start).days
        reached = max(end, reached) if reached else end
    return days


def _reclock(referral: Referral) -> None:
    """Recompute the due day: period + extensions + paused days; the case follows."""
    extra = sum(referral.extensions.values_list("days", flat=True)) + _paused_days(referral)
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
    agreed_on: datetime.date,
    consenting: Collection[int],
    consent_note: str = "",
) -> ClockExtension:
    """Extend the period by ``days``: only when every party (``consenting``, their pks)
    agreed on ``agreed_on``. Each extension is kept with the consent, the reason, who
    recorded it and the period's end before and after."""
    errors = {}
    if not days or days < 1:
        errors["days"] = _("Extend by at least one day.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the extension.")
    if agreed_on is None or agreed_on > _today():
        errors["agreed_on"] = _("Give the day the parties agreed; it cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.MEDIATING)
        parties = list(referral.case.parties.select_related("person"))
        missing = [party.person.name for party in parties if party.pk not in set(consenting)]
        if missing:
            raise ValidationError(
                {
                    "consenting": _(
                        "The period is extended only when every party agrees; not recorded "
                        "as agreeing: %(names)s."
                    )
                    % {"names": "、".join(missing)}
                }
            )
        if agreed_on < referral.clock_started_on:
            raise ValidationError(
                {"agreed_on": _("The parties agree to an extension after mediation started.")}
            )
        before = referral.due_on
        extension = ClockExtension.objects.create(
            referral=referral,
            agreed_on=agreed_on,
            days=days,
            consent_note=(consent_note or "").strip(),
            reason=reason.strip(),
            due_before=before,
            recorded_by=actor,
        )
        extension.parties.set(parties)
        _reclock(referral)
        extension.due_after = referral.due_on
        extension.save(update_fields=["due_after"])
        _audit(referral, AuditAction.REFERRAL_EXTENDED, actor, days=days, due=str(referral.due_on))
    return extension


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
            _alert_directors(referral, text)
    return True


def referral_designation_late(*, referral: Referral) -> bool:
    """The centre let its 3 working days to designate a mediator pass: alert its director
    once. Returns False when a mediator was designated meanwhile."""
    with transaction.atomic():
        referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        if referral.status != ReferralStatus.CHOOSING or referral.designation_late_at:
            return False
        referral.designation_late_at = timezone.now()
        referral.save(update_fields=["designation_late_at"])
        _audit(
            referral,
            AuditAction.REFERRAL_OVERDUE,
            None,
            step="designation",
            due=str(referral.designate_by),
        )
        _alert_directors(
            referral,
            _(
                "Court referral %(number)s has no mediator: the centre was to designate one "
                "by %(due)s."
            )
            % {"number": referral.case.number, "due": referral.designate_by},
        )
    return True


def _alert_directors(referral: Referral, text: str) -> None:
    directors = Membership.objects.filter(
        organisation=referral.centre, role=Role.CENTRE_DIRECTOR
    ).select_related("user")
    for membership in directors:
        notify(user=membership.user, case=referral.case, text=text)


__all__ = [
    "referral_appraisal_end",
    "referral_appraisal_start",
    "referral_designation_late",
    "referral_extend",
    "referral_overdue",
]
