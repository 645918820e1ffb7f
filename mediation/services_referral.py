"""Court referrals (诉调对接): delegation (委派) and entrustment (委托).

The referral's case is reported through ``services.case_report`` (channel COURT), so
the court types the parties and the claim once. The case stays reported while the
centre gathers consent and a mediator; when the mediator accepts, the case is accepted
and dispatched to them, and mediation runs through the case's closed loop.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import (
    deadlines,
    selectors,
    selectors_referral,
    selectors_roster,
    services,
    services_handling,
)
from .models import (
    AuditAction,
    Case,
    CaseStatus,
    Channel,
    MediatorProfile,
    MediatorStatus,
    Organisation,
    PartyRole,
)
from .models.referrals import (
    ConsentAnswer,
    DocumentKind,
    MediatorAnswer,
    PartyConsent,
    Procedure,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from .services_handling import notify
from .services_referral_clock import _reclock
from .services_referral_end import _audit, _locked, _send_back
from .services_referral_uploads import document_add

# The tier a receiving centre works at, so that the case is dispatched at its level.
_CENTRE_TIER = {level: tier for tier, level in services.TIER_LEVEL.items()}


def _today() -> datetime.date:
    return timezone.localdate()


def referral_create(
    *,
    actor,
    court: Organisation,
    centre: Organisation,
    kind: str,
    procedure: str = "",
    title: str,
    claim: str,
    dispute_type: str,
    parties: Sequence[services.PartyInput],
    materials: Sequence = (),
    one_party_application: bool = False,
    amount=None,
    court_case_number: str = "",
) -> Referral:
    """A court clerk sends a dispute to a centre; the case is made from what they typed.

    An entrustment (委托) was filed before it was entrusted: it names its procedure and
    the court's case number, under which its trial resumes if mediation fails."""
    court_case_number = (court_case_number or "").strip()
    errors = {}
    if not selectors_referral.user_may_refer(actor, court):
        errors["court"] = _("Only a clerk of the court may refer its disputes.")
    if kind not in ReferralKind.values:
        errors["kind"] = _("Choose delegation or entrustment.")
    elif kind == ReferralKind.ENTRUSTMENT and procedure not in (
        Procedure.ORDINARY,
        Procedure.SIMPLE,
    ):
        errors["procedure"] = _("An entrustment names its procedure: ordinary or simple.")
    elif kind == ReferralKind.DELEGATION:
        procedure = Procedure.NONE
        court_case_number = ""
    if kind == ReferralKind.ENTRUSTMENT and not court_case_number:
        errors["court_case_number"] = _("An entrustment names the court's case number.")
    if centre.kind not in _CENTRE_TIER:
        errors["centre"] = _("Choose a mediation centre.")
    if not (claim or "").strip():
        errors["claim"] = _("State the claim.")
    if not parties:
        errors["parties"] = _("Name the parties: at least one applicant and one respondent.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = services.case_report(
            actor=actor,
            handling_org=centre,
            title=title,
            description=claim,
            dispute_type=dispute_type,
            channel=Channel.COURT,
            parties=parties,
            amount=amount,
        )
        referral = Referral.objects.create(
            case=case,
            court=court,
            centre=centre,
            kind=kind,
            procedure=procedure,
            claim=claim.strip(),
            one_party_application=one_party_application,
            court_case_number=court_case_number,
            created_by=actor,
        )
        for upload in materials:
            document_add(referral=referral, upload=upload, kind=DocumentKind.MATERIAL, actor=actor)
        _audit(referral, AuditAction.REFERRAL_CREATED, actor, court=court.name, kind=kind)
    return referral


def referral_take(*, referral: Referral, actor) -> Referral:
    """The centre takes the referral up: next, the parties' consent (特邀调解规定 art 11).

    When one party applied, their application is their consent; the other party is
    contacted within 3 working days (在线调解规则 art 15)."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.SUBMITTED)
        if referral.one_party_application:
            referral.status = ReferralStatus.CONTACTING
            referral.contact_by = deadlines.referral_working_days_by(
                _today(), deadlines.REFERRAL_CONTACT_WORKING_DAYS
            )
            PartyConsent.objects.bulk_create(
                PartyConsent(
                    referral=referral,
                    party=party,
                    answer=ConsentAnswer.CONSENTED,
                    answered_on=timezone.localdate(referral.created_at),
                    note=_("Applied to the court for mediation."),
                    recorded_by=actor,
                )
                for party in referral.case.parties.filter(role=PartyRole.APPLICANT)
            )
        else:
            referral.status = ReferralStatus.CONSENT
        referral.save(update_fields=["status", "contact_by"])
        _audit(referral, AuditAction.REFERRAL_TAKEN, actor)
    return referral


def referral_return(*, referral: Referral, actor, reason: str) -> Referral:
    """The referral goes back to the court with its materials and the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the referral goes back.")})
    with transaction.atomic():
        referral = _locked(referral, *RETURNABLE)
        _send_back(referral, actor, reason)
        if referral.case.status == CaseStatus.REPORTED:
            services.case_reject(case=referral.case, actor=actor, reason=reason)
    return referral


RETURNABLE = (
    ReferralStatus.SUBMITTED,
    ReferralStatus.CONSENT,
    ReferralStatus.CONTACTING,
    ReferralStatus.CHOOSING,
    ReferralStatus.DESIGNATED,
)


def _propose(referral: Referral, mediator, actor, how: str) -> None:
    referral.proposed_mediator = mediator
    referral.status = ReferralStatus.DESIGNATED
    referral.answer_by = deadlines.referral_working_days_by(
        _today(), deadlines.REFERRAL_ANSWER_WORKING_DAYS
    )
    referral.save(update_fields=["proposed_mediator", "status", "answer_by"])
    _audit(
        referral, AuditAction.REFERRAL_DESIGNATED, actor, mediator=mediator.get_username(), how=how
    )


def referral_choose(*, referral: Referral, actor, mediator) -> Referral:
    """The parties' joint choice from the roster, or the centre's own designation when
    the rotation finds nobody; never a mediator recused from the case."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.CHOOSING)
        on_roster = MediatorProfile.objects.filter(
            user=mediator, status=MediatorStatus.ACTIVE
        ).exists()
        if not on_roster:
            raise ValidationError({"mediator": _("Choose an active mediator on the roster.")})
        if selectors.mediator_is_party(case=referral.case, mediator=mediator):
            raise ValidationError(
                {"mediator": _("A mediator cannot handle a case to which they are a party.")}
            )
        if referral.recusals.filter(mediator=mediator, kept=False).exists():
            raise ValidationError({"mediator": _("This mediator withdrew from the case (回避).")})
        _propose(referral, mediator, actor, "parties")
    return referral


def referral_designate(*, referral: Referral, actor=None) -> Referral:
    """The rotation designates the next mediator (轮值), never one who declined, kept
    silent or was recused; none left leaves it to the centre, within 3 working days."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.CHOOSING, ReferralStatus.DESIGNATED)
        referral.status = ReferralStatus.CHOOSING
        mediator = selectors_roster.rotation_pick(
            case=referral.case,
            day=_today(),
            exclude=selectors_referral.answered_mediators(referral),
        )
        if mediator is None:
            referral.proposed_mediator = None
            referral.designate_by = deadlines.referral_working_days_by(
                _today(), deadlines.REFERRAL_DESIGNATE_WORKING_DAYS
            )
            referral.designation_late_at = None
            referral.save(
                update_fields=[
                    "status",
                    "proposed_mediator",
                    "designate_by",
                    "designation_late_at",
                ]
            )
            notify(
                organisation=referral.centre,
                case=referral.case,
                text=_("No mediator on duty fits referral %(number)s: designate one.")
                % {"number": referral.case.number},
            )
            return referral
        _propose(referral, mediator, actor, "rotation")
    return referral


def referral_no_answer(*, referral: Referral) -> Referral:
    """The designated mediator let the answer period pass: noted, the rotation moves on."""
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.DESIGNATED)
        MediatorAnswer.objects.create(
            referral=referral, mediator=referral.proposed_mediator, accepted=None
        )
        referral.proposed_mediator = None
        referral.status = ReferralStatus.CHOOSING
        referral.save(update_fields=["proposed_mediator", "status"])
        _audit(referral, AuditAction.REFERRAL_ANSWERED, None, answer="none")
    return referral


def referral_answer(
    *, referral: Referral, actor, accept: bool, reason: str = "", conflict: str = "", consent=None
) -> Referral:
    """The designated mediator accepts or declines, declaring any conflict (回避).

    A declared conflict blocks the acceptance unless both parties' written consent to
    keep the mediator is uploaded. Acceptance starts the clock and dispatches the case.
    """
    reason, conflict = (reason or "").strip(), (conflict or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Give the reason you decline.")})
    if accept and conflict and consent is None:
        raise ValidationError(
            {
                "consent": _(
                    "A declared conflict keeps you off this case unless both parties "
                    "consent in writing: upload their consent, or decline."
                )
            }
        )
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.DESIGNATED)
        if referral.proposed_mediator_id != actor.pk:
            raise ValidationError(_("Only the designated mediator answers."))
        document = None
        if consent is not None:
            document = document_add(
                referral=referral, upload=consent, kind=DocumentKind.CONSENT, actor=actor
            )
        MediatorAnswer.objects.create(
            referral=referral,
            mediator=actor,
            accepted=accept,
            reason=reason,
            conflict=conflict,
            consent=document,
        )
        _audit(referral, AuditAction.REFERRAL_ANSWERED, actor, accepted=accept, conflict=conflict)
        if not accept:
            referral.proposed_mediator = None
            referral.status = ReferralStatus.CHOOSING
            referral.save(update_fields=["proposed_mediator", "status"])
            return referral
        _start_mediation(referral, actor)
    return referral


def _start_mediation(referral: Referral, mediator) -> None:
    """The clock starts, and the case is accepted at the centre's level (受理).

    A mediator who replaces a recused one takes over the running clock: a recusal
    does not give the parties a new period."""
    if referral.case.status == CaseStatus.REPORTED:
        services.case_accept(
            case=referral.case, actor=mediator, tier=_CENTRE_TIER[referral.centre.kind]
        )
    referral.mediator = mediator
    referral.status = ReferralStatus.MEDIATING
    if referral.clock_started_on is None:
        referral.clock_started_on = _today()
    referral.save(update_fields=["mediator", "status", "clock_started_on"])
    _reclock(referral)


def referral_dispatch(*, referral: Referral) -> Case:
    """Dispatch the accepted case to the mediator who accepted, at the receiving centre;
    a case already dispatched to a recused mediator is re-dispatched to the new one."""
    with transaction.atomic():
        referral = Referral.objects.select_related("case", "centre").get(pk=referral.pk)
        if referral.case.status in services_handling.HANDLING_STATUSES:
            case = _redispatch(referral)
        else:
            case = services.case_dispatch(
                case=referral.case,
                actor=referral.mediator,
                organisation=referral.centre,
                mediator=referral.mediator,
            )
        Case.objects.filter(pk=case.pk).update(due_at=referral.due_on)
    return case


def _redispatch(referral: Referral) -> Case:
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    if selectors.mediator_is_party(case=case, mediator=referral.mediator):
        raise ValidationError(_("A mediator cannot handle a case to which they are a party."))
    case.mediator = referral.mediator
    case.save(update_fields=["mediator"])
    services.audit_record(
        action=AuditAction.CASE_DISPATCHED,
        actor=referral.mediator,
        case=case,
        organisation=referral.centre.name,
        mediator=referral.mediator.get_username(),
        replaces_recused=True,
    )
    return case


from .services_referral_clock import *  # noqa: E402, F403
from .services_referral_consent import *  # noqa: E402, F403
from .services_referral_end import *  # noqa: E402, F403
from .services_referral_interrupt import *  # noqa: E402, F403
