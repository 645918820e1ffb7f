"""The steps the flows ask of a party, taken on the portal.

Each calls the service the staff page calls, and drives the same flow task the same
way (``workflows.driving``): the task is performed under the flow's lock, the service
and the next tasks commit together, and a refusal leaves nothing behind. The party
has no user, so the task is performed by nobody (``user=None``), as a timer's step is;
the records say it came from the portal.

* consent to a court referral: the referral's ``consent`` (or ``contact``) task with
  ``referral_consent``, one party's answer, as staff record one party's answer;
* the joint choice of the mediator: there is no per-party record of it yet (staff
  record the parties' agreed choice on the ``choose`` task). Each party's preference
  is an audit row (``PREFERENCE``); when every party prefers the same mediator, the
  ``choose`` task is performed with ``referral_choose``, as the staff page does;
* the rating: the case loop's ``rate`` task with ``case_rate_parties`` for this party;
  the loop's ``check_rated`` re-opens the step until every party has rated.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed

from mediation import services_referral
from mediation.models import (
    AuditAction,
    AuditEvent,
    CaseParty,
    CaseStatus,
    MediatorProfile,
    MediatorStatus,
)
from mediation.models.referrals import ConsentAnswer, PartyConsent, Referral, ReferralStatus
from mediation.services import audit_record
from mediation.services_case import RatingInput, case_rate_parties
from workflows.court import CourtReferralFlow
from workflows.driving import OPEN, node_perform
from workflows.flows import CaseLoopFlow

# The audit action of a party's preferred mediator.
PREFERENCE = AuditAction.PORTAL_MEDIATOR_CHOSEN
_CONSENT_NODES = {
    ReferralStatus.CONSENT: CourtReferralFlow.consent,
    ReferralStatus.CONTACTING: CourtReferralFlow.contact,
}


def _busy() -> ValidationError:
    return ValidationError(_("Someone is working on your case right now; try again shortly."))


def _perform(node, process_pk, action, gone_message):
    try:
        return node_perform(node, process_pk, None, action)
    except node.flow_class.task_class.DoesNotExist:
        raise ValidationError(gone_message) from None
    except FlowLockFailed:
        raise _busy() from None


def _has_open(flow_class, node, **process_filter) -> bool:
    return flow_class.task_class.objects.filter(
        flow_task=node,
        status__in=OPEN,
        **{f"process__{key}": value for key, value in process_filter.items()},
    ).exists()


# Consent to a court referral.


def consent_open(party: CaseParty, referral: Referral | None) -> bool:
    if referral is None or referral.status not in _CONSENT_NODES:
        return False
    if PartyConsent.objects.filter(referral=referral, party=party).exists():
        return False
    node = _CONSENT_NODES[referral.status]
    return _has_open(CourtReferralFlow, node, referralprocess__referral=referral)


def party_consent(*, party: CaseParty, referral: Referral, consents: bool, note: str = ""):
    """The party's own answer to the court's referral, as staff would record it."""
    node = _CONSENT_NODES.get(referral.status)
    gone = _("The referral no longer asks for your answer.")
    if node is None:
        raise ValidationError(gone)
    note = (note or "").strip()
    if not consents and not note:
        # The court reads the reason; a bare refusal is allowed but said so.
        note = _("No reason given.")
    answered = _("Answered on the party portal.")
    note = f"{answered} {note}".strip()
    answer = ConsentAnswer.CONSENTED if consents else ConsentAnswer.REFUSED
    return _perform(
        node,
        referral.process.pk,
        lambda: services_referral.referral_consent(
            referral=referral,
            actor=None,
            answers={party.pk: (answer, note)},
            answered_on=timezone.localdate(),
        ),
        gone,
    )


# The joint choice of the mediator.


def choice_open(referral: Referral | None) -> bool:
    if referral is None or referral.status != ReferralStatus.CHOOSING:
        return False
    if referral.choose_by and referral.choose_by < timezone.localdate():
        return False
    return _has_open(
        CourtReferralFlow, CourtReferralFlow.choose, referralprocess__referral=referral
    )


def mediator_choices(referral: Referral) -> list[MediatorProfile]:
    """Active mediators on the roster whom ``referral_choose`` would take: none who is a
    party to the case (or a party's agent) or withdrew from it."""
    recused = referral.recusals.filter(kept=False).values("mediator_id")
    parties = CaseParty.objects.filter(case_id=referral.case_id)
    return list(
        MediatorProfile.objects.filter(status=MediatorStatus.ACTIVE)
        .exclude(user_id__in=recused)
        .exclude(user_id__in=parties.filter(person__user__isnull=False).values("person__user"))
        .exclude(user_id__in=parties.filter(agent__user__isnull=False).values("agent__user"))
        .select_related("user", "organisation")
        .order_by("organisation__path", "user_id")
    )


def preferences(referral: Referral) -> dict[int, int]:
    """Each party's latest preferred mediator: ``{party pk: mediator's user pk}``."""
    events = AuditEvent.objects.filter(
        case_id=referral.case_id, action=PREFERENCE, data__referral=referral.pk
    ).order_by("at", "id")
    return {event.data["party_id"]: event.data["mediator_id"] for event in events}


def preferred_mediator(party: CaseParty, referral: Referral) -> MediatorProfile | None:
    """The mediator ``party`` last chose, if any."""
    user_pk = preferences(referral).get(party.pk)
    if user_pk is None:
        return None
    return MediatorProfile.objects.select_related("user").filter(user_id=user_pk).first()


def party_choose_mediator(*, party: CaseParty, referral: Referral, mediator_profile_pk) -> dict:
    """Record the party's preferred mediator; when every party prefers the same one, the
    choice step proposes them (``referral_choose``). Returns the preferences."""
    gone = _("The parties can no longer choose the mediator: the centre designates one.")
    profile = next(
        (p for p in mediator_choices(referral) if str(p.pk) == str(mediator_profile_pk)), None
    )
    if profile is None:
        raise ValidationError(_("Choose a mediator from the list."))
    mediator = profile.user
    process_pk = referral.process.pk
    try:
        with CourtReferralFlow.lock(process_pk):
            locked = Referral.objects.select_related("case").get(pk=referral.pk)
            if not choice_open(locked):
                raise ValidationError(gone)
            audit_record(
                action=PREFERENCE,
                actor=None,
                case=locked.case,
                referral=locked.pk,
                party_id=party.pk,
                party=party.person.name,
                mediator_id=mediator.pk,
                mediator=str(profile),
            )
            chosen = preferences(locked)
            everyone = set(locked.case.parties.values_list("pk", flat=True))
            if set(chosen) >= everyone and set(chosen.values()) == {mediator.pk}:
                _perform(
                    CourtReferralFlow.choose,
                    process_pk,
                    lambda: services_referral.referral_choose(
                        referral=locked, actor=None, mediator=mediator
                    ),
                    gone,
                )
    except FlowLockFailed:
        raise _busy() from None
    return chosen


# The rating.


def rating_open(party: CaseParty) -> bool:
    case = party.case
    if case.status != CaseStatus.CLOSED or party.ratings.exists():
        return False
    return _has_open(CaseLoopFlow, CaseLoopFlow.rate, caseprocess__case=case)


def party_rate(*, party: CaseParty, stars, comment: str = ""):
    """The party's own rating, recorded as the staff's rating step records it."""
    case = party.case
    gone = _("Rating is closed for this case.")
    if not _has_open(CaseLoopFlow, CaseLoopFlow.rate, caseprocess__case=case):
        raise ValidationError(gone)
    rating = RatingInput(party=party, stars=stars, comment=comment or "")
    return _perform(
        CaseLoopFlow.rate,
        case.loop_process.pk,
        lambda: case_rate_parties(case=case, ratings=[rating], actor=None),
        gone,
    )


__all__ = [
    "PREFERENCE",
    "choice_open",
    "consent_open",
    "mediator_choices",
    "party_choose_mediator",
    "party_consent",
    "party_rate",
    "preferences",
    "preferred_mediator",
    "rating_open",
]
