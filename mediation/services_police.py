"""Police referral (公调对接): a 110 call that is not a police matter goes to a centre.

The officer's referral makes the case itself (``services.case_report``, channel police
110), so the centre never types it in again. The centre accepts it within 24 hours
through the case loop's review, the one acceptance there is; a referral still waiting
after 24 hours is marked late and its centre's director is told. A matter that turns
out to be a police matter is handed back (人民调解法 art 25), before acceptance or while
it is handled, and the station sees it with the reason. The station sees the outcome
of every referral on its own list and is told when the case closes.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, selectors, services
from .models import AuditAction, AuditEvent, Case, CaseStatus, Channel, Organisation
from .models.handoffs import HANDLING_STATUSES, PoliceReferral
from .models.sessions import MediationSession, SessionStatus
from .selectors_handoffs import centre_directors, user_stations
from .services import audit_record
from .services_case import _redirected, _required, case_redirect
from .services_handling import notify
from .services_sessions import session_cancel


def police_referral_create(
    *,
    officer,
    station: Organisation,
    centre: Organisation,
    title: str,
    account: str,
    dispute_type: str,
    location: str,
    incident_at: datetime.datetime,
    parties: Sequence[services.PartyInput],
) -> PoliceReferral:
    """Refer a 110 call to ``centre``: the case and the referral, in one transaction."""
    if not user_stations(officer).filter(pk=station.pk).exists():
        raise ValidationError({"station": _("You are not a police officer at this station.")})
    if not centre.is_centre:
        raise ValidationError({"centre": _("Choose a mediation centre.")})
    errors = {}
    if not (location or "").strip():
        errors["location"] = _("Say where it happened.")
    if incident_at is None:
        errors["incident_at"] = _("Say when it happened.")
    elif incident_at > timezone.now():
        errors["incident_at"] = _("The incident cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = services.case_report(
            actor=officer,
            handling_org=centre,
            title=title,
            description=account,
            dispute_type=dispute_type,
            channel=Channel.POLICE,
            parties=parties,
            location=location.strip(),
        )
        referred_at = timezone.now()
        referral = PoliceReferral.objects.create(
            case=case,
            station=station,
            officer=officer,
            incident_at=incident_at,
            location=location.strip(),
            account=account.strip(),
            referred_at=referred_at,
            accept_by=deadlines.police_accept_by(referred_at),
        )
        audit_record(
            action=AuditAction.POLICE_REFERRED,
            actor=officer,
            case=case,
            station=station.name,
            accept_by=referral.accept_by.isoformat(),
        )
    return referral


def _locked_referral(case: Case) -> PoliceReferral | None:
    return PoliceReferral.objects.select_for_update().filter(case=case).first()


def police_referral_reviewed(*, case: Case) -> PoliceReferral | None:
    """The case loop's review of a referred case is done: record what the station sees.

    An accepted case is the referral's acceptance; a case sent to the police in the
    review is a hand-back. Called by the workflows when the review step finishes.
    """
    with transaction.atomic():
        referral = _locked_referral(case)
        if referral is None or referral.accepted_at or referral.handed_back_at:
            return referral
        case = Case.objects.get(pk=case.pk)
        if case.status != CaseStatus.REPORTED and case.accepted_at:
            referral.accepted_at = case.accepted_at
            referral.save(update_fields=["accepted_at"])
            audit_record(
                action=AuditAction.POLICE_ACCEPTED,
                actor=None,
                case=case,
                late=referral.accepted_at > referral.accept_by,
            )
        elif case.status == CaseStatus.REDIRECTED:
            redirect = (
                AuditEvent.objects.filter(case=case, action=AuditAction.CASE_REDIRECTED)
                .order_by("-at", "-id")
                .first()
            )
            if redirect and redirect.data.get("police"):
                referral.handed_back_at = redirect.at
                referral.hand_back_reason = redirect.data.get("reason", "")
                referral.save(update_fields=["handed_back_at", "hand_back_reason"])
                audit_record(action=AuditAction.POLICE_HANDED_BACK, actor=redirect.actor, case=case)
    return referral


def referred_case_return(*, case: Case, actor, to_body: str, reason: str, police: bool) -> Case:
    """End a referred case that is being handled by sending it back to the body that
    referred it: a police matter to its station (人民调解法 art 25), a wrongly
    transferred petition to its bureau (信访工作条例 art 23).

    The case ends as redirected, like a redirection in the review; its scheduled
    sessions are cancelled with the reason, and its mediator is told. Before acceptance
    the loop's review decides instead (``case_redirect``, ``case_reject``); once an
    outcome is recorded, mediation is over and nothing is sent back.
    """
    reason = _required(reason, _("Give the reason the case is sent elsewhere."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in HANDLING_STATUSES:
            raise ValidationError(
                _(
                    "A case that is “%(status)s” can no longer be sent back: only an "
                    "accepted case still being handled can."
                )
                % {"status": case.get_status_display()}
            )
        scheduled = MediationSession.objects.filter(case=case, status=SessionStatus.SCHEDULED)
        for session in scheduled.order_by("scheduled_at", "pk"):
            session_cancel(
                session=session,
                actor=actor,
                reason=_("The case was sent back to %(body)s: %(reason)s")
                % {"body": to_body, "reason": reason},
            )
        case = Case.objects.select_for_update().get(pk=case.pk)
        _redirected(case, actor=actor, to_body=to_body, reason=reason, police=police)
        if case.mediator_id is not None and case.mediator_id != getattr(actor, "pk", None):
            notify(
                user=case.mediator,
                case=case,
                text=_("Case %(number)s was sent back to %(body)s; its mediation has ended.")
                % {"number": case.number, "body": to_body},
            )
    return case


def police_referral_hand_back(*, referral: PoliceReferral, actor, reason: str) -> PoliceReferral:
    """Hand a referred matter back to its station: it is a police matter after all.

    The case is redirected to the station with ``police=True`` (人民调解法 art 25):
    before acceptance as the review's decision, afterwards while it is still being
    handled (``referred_case_return``). The station is told, with the reason, and sees
    it on its list.
    """
    reason = _required(reason, _("Give the reason it is a police matter."))
    with transaction.atomic():
        referral = _locked_referral(referral.case)
        if referral.handed_back_at:
            raise ValidationError(_("This referral has already been handed back."))
        case = referral.case
        if not selectors.user_may_manage_case(actor, case):
            raise ValidationError(_("Only the centre handling the case can hand it back."))
        if case.status == CaseStatus.REPORTED:
            case_redirect(
                case=case, actor=actor, to_body=referral.station.name, reason=reason, police=True
            )
        else:
            referred_case_return(
                case=case, actor=actor, to_body=referral.station.name, reason=reason, police=True
            )
        referral.handed_back_at = timezone.now()
        referral.hand_back_reason = reason
        referral.save(update_fields=["handed_back_at", "hand_back_reason"])
        audit_record(action=AuditAction.POLICE_HANDED_BACK, actor=actor, case=case)
        notify(
            organisation=referral.station,
            case=case,
            text=_("Case %(number)s was handed back to your station as a police matter: %(reason)s")
            % {"number": case.number, "reason": reason},
        )
    return referral


def police_referral_closed(*, case: Case) -> PoliceReferral | None:
    """A referred case has closed: its station is told the outcome, which its list shows."""
    referral = PoliceReferral.objects.filter(case=case).select_related("case").first()
    if referral is None or referral.case.status != CaseStatus.CLOSED:
        return referral
    notify(
        organisation=referral.station,
        case=referral.case,
        text=_("Case %(number)s, referred by your station, is closed: %(outcome)s.")
        % {"number": referral.case.number, "outcome": referral.case.get_outcome_display()},
    )
    return referral


def police_referral_escalate_late(*, referral: PoliceReferral) -> PoliceReferral:
    """24 hours have passed: a referral still not accepted is late; its director is told."""
    with transaction.atomic():
        referral = _locked_referral(referral.case)
        case = referral.case
        if referral.late_at or referral.handed_back_at or case.status != CaseStatus.REPORTED:
            return referral
        referral.late_at = timezone.now()
        referral.save(update_fields=["late_at"])
        audit_record(action=AuditAction.POLICE_LATE, actor=None, case=case)
        text = _(
            "Police referral %(number)s from %(station)s was not accepted within 24 hours."
        ) % {"number": case.number, "station": referral.station.name}
        directors = list(centre_directors(case.handling_org))
        for director in directors:
            notify(user=director, case=case, text=text)
        if not directors:
            notify(organisation=case.handling_org, case=case, text=text)
    return referral


__all__ = [
    "police_referral_closed",
    "police_referral_create",
    "police_referral_escalate_late",
    "police_referral_hand_back",
    "police_referral_reviewed",
    "referred_case_return",
]
