"""Petition referral (访调对接): a civil petition transferred to mediation with consent.

The clocks are those of 信访工作条例, computed in ``deadlines``:

* a petition is registered and transferred within 15 days of registration (art 22);
  a transfer after that is refused: the bureau must handle it itself;
* the receiving centre may object to a wrong transfer within 5 working days (art 23),
  before it accepts the case (the review's decision) or while it handles it (the case
  goes back to the bureau); after that it has the matter, and an objection is refused;
* it is handled within 60 days, extendable once by at most 30 with a notice to the
  petitioner (art 34); past the date the centre's director is told.

The result (the case's outcome when it closes) goes back to the bureau.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, services
from .models import AuditAction, Case, CaseStatus, Channel, Organisation
from .models.handoffs import PetitionReferral
from .selectors_handoffs import centre_directors, user_bureaus, user_manages_centre
from .services import audit_record
from .services_case import _required, case_reject
from .services_handling import notify
from .services_police import referred_case_return


def petition_referral_create(
    *,
    staff,
    bureau: Organisation,
    centre: Organisation,
    petition_number: str,
    registered_on: datetime.date,
    title: str,
    description: str,
    dispute_type: str,
    parties: Sequence[services.PartyInput],
    consent: bool,
    consented_by: str,
) -> PetitionReferral:
    """Transfer a registered civil petition to ``centre``: the case and the referral."""
    if not user_bureaus(staff).filter(pk=bureau.pk).exists():
        raise ValidationError({"bureau": _("You are not petition staff at this bureau.")})
    if not centre.is_centre:
        raise ValidationError({"centre": _("Choose a mediation centre.")})
    errors = {}
    petition_number = (petition_number or "").strip()
    if not petition_number:
        errors["petition_number"] = _("Enter the petition's number.")
    elif PetitionReferral.objects.filter(bureau=bureau, petition_number=petition_number).exists():
        errors["petition_number"] = _("This petition has already been transferred.")
    if not consent:
        errors["consent"] = _("Mediation needs the parties' consent.")
    if not (consented_by or "").strip():
        errors["consented_by"] = _("Record who gave their consent.")
    today = timezone.localdate()
    if registered_on is None:
        errors["registered_on"] = _("Enter the date the petition was registered.")
    elif registered_on > today:
        errors["registered_on"] = _("The registration date cannot be in the future.")
    elif today > deadlines.petition_transfer_by(registered_on):
        errors["registered_on"] = _(
            "A petition is transferred within 15 days of its registration (信访工作条例 "
            "art 22); the time ran out on %(date)s."
        ) % {"date": deadlines.petition_transfer_by(registered_on).isoformat()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = services.case_report(
            actor=staff,
            handling_org=centre,
            title=title,
            description=description,
            dispute_type=dispute_type,
            channel=Channel.PETITION,
            parties=parties,
        )
        referral = PetitionReferral.objects.create(
            case=case,
            bureau=bureau,
            transferred_by=staff,
            petition_number=petition_number,
            registered_on=registered_on,
            transferred_on=today,
            consent=True,
            consented_by=consented_by.strip(),
            objection_by=deadlines.petition_objection_by(today),
            handle_by=deadlines.petition_handle_by(today),
        )
        audit_record(
            action=AuditAction.PETITION_TRANSFERRED,
            actor=staff,
            case=case,
            bureau=bureau.name,
            petition_number=petition_number,
            consented_by=referral.consented_by,
        )
    return referral


def _locked(referral: PetitionReferral) -> PetitionReferral:
    return PetitionReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)


def petition_referral_object(*, referral: PetitionReferral, actor, reason: str) -> PetitionReferral:
    """The centre objects that the matter is not its own (art 23), within 5 working days
    of the transfer. Before acceptance the case is not accepted; once accepted and still
    being handled, it goes back to the bureau. The bureau is told, with the reason."""
    reason = _required(reason, _("Give the reason the matter is not the centre's."))
    with transaction.atomic():
        referral = _locked(referral)
        if not user_manages_centre(actor, referral.case.centre):
            raise ValidationError(_("Only the receiving centre can object to the transfer."))
        if referral.objected_at:
            raise ValidationError(_("The centre has already objected to this transfer."))
        if timezone.localdate() > referral.objection_by:
            raise ValidationError(
                _(
                    "An objection is made within 5 working days of the transfer (信访工作条例 "
                    "art 23); the time ran out on %(date)s."
                )
                % {"date": referral.objection_by.isoformat()}
            )
        # Recorded first: the case's own refusal to decline a transferred petition
        # gives way to the objection.
        referral.objected_at = timezone.now()
        referral.objection_reason = reason
        referral.save(update_fields=["objected_at", "objection_reason"])
        if referral.case.status == CaseStatus.REPORTED:
            case_reject(case=referral.case, actor=actor, reason=reason)
        else:
            referred_case_return(
                case=referral.case,
                actor=actor,
                to_body=referral.bureau.name,
                reason=reason,
                police=False,
            )
        audit_record(action=AuditAction.PETITION_OBJECTED, actor=actor, case=referral.case)
        notify(
            organisation=referral.bureau,
            case=referral.case,
            text=_("%(centre)s objects to the transfer of petition %(number)s: %(reason)s")
            % {
                "centre": referral.case.centre.name,
                "number": referral.petition_number,
                "reason": reason,
            },
        )
    return referral


def petition_referral_extend(
    *, referral: PetitionReferral, actor, days: int, notice: str
) -> PetitionReferral:
    """Extend the handling period once, by at most 30 days, with a notice to the
    petitioner (art 34). Asked before the period ends, while the case is open."""
    notice = _required(notice, _("Record the notice given to the petitioner."))
    if not 1 <= int(days) <= deadlines.PETITION_MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("An extension is at most 30 days (信访工作条例 art 34).")})
    with transaction.atomic():
        referral = _locked(referral)
        if not user_manages_centre(actor, referral.case.centre):
            raise ValidationError(_("Only the receiving centre can extend its period."))
        if referral.extended_at:
            raise ValidationError(_("The handling period can be extended only once."))
        if not referral.case.is_open:
            raise ValidationError(_("The case is no longer open."))
        if timezone.localdate() > referral.handle_by:
            raise ValidationError(_("The handling period has already ended."))
        referral.extended_days = int(days)
        referral.extension_notice = notice
        referral.extended_at = timezone.now()
        referral.handle_by = deadlines.petition_handle_by(referral.transferred_on, int(days))
        referral.save(
            update_fields=["extended_days", "extension_notice", "extended_at", "handle_by"]
        )
        audit_record(
            action=AuditAction.PETITION_EXTENDED,
            actor=actor,
            case=referral.case,
            days=int(days),
            handle_by=referral.handle_by.isoformat(),
            notice=notice,
        )
    return referral


def petition_referral_overdue(*, referral: PetitionReferral) -> bool:
    """The period has ended with the case still open: the centre's director is told once."""
    with transaction.atomic():
        referral = _locked(referral)
        case = referral.case
        if referral.overdue_at or not case.is_open or timezone.localdate() <= referral.handle_by:
            return False
        referral.overdue_at = timezone.now()
        referral.save(update_fields=["overdue_at"])
        audit_record(action=AuditAction.PETITION_OVERDUE, actor=None, case=case)
        text = _("Petition %(number)s (case %(case)s) was not handled by %(date)s.") % {
            "number": referral.petition_number,
            "case": case.number,
            "date": referral.handle_by.isoformat(),
        }
        directors = list(centre_directors(case.centre))
        for director in directors:
            notify(user=director, case=case, text=text)
        if not directors:
            notify(organisation=case.centre, case=case, text=text)
    return True


def petition_referral_record_result(*, case: Case) -> PetitionReferral | None:
    """A transferred petition's case has closed: its outcome goes back to the bureau."""
    with transaction.atomic():
        referral = PetitionReferral.objects.select_for_update().filter(case=case).first()
        if referral is None or referral.result_recorded_at:
            return referral
        case = Case.objects.get(pk=case.pk)
        if case.status != CaseStatus.CLOSED:
            return referral
        referral.result = case.outcome
        referral.result_recorded_at = timezone.now()
        referral.save(update_fields=["result", "result_recorded_at"])
        audit_record(action=AuditAction.PETITION_RESULT, actor=None, case=case, result=case.outcome)
        notify(
            organisation=referral.bureau,
            case=case,
            text=_("Petition %(number)s: mediation ended with “%(outcome)s”.")
            % {"number": referral.petition_number, "outcome": case.get_outcome_display()},
        )
    return referral
