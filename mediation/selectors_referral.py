"""Reads of court referrals (诉调对接): who may act on one, and who sees which."""

from django.db.models import QuerySet

from . import access
from .models import CaseParty, Membership, Role
from .models.referrals import (
    ClockExtension,
    PartyConsent,
    Recusal,
    Referral,
    ReferralDocument,
    Suspension,
)

COURT_ROLES = (Role.COURT_CLERK, Role.JUDGE)
CENTRE_ROLES = (Role.CENTRE_STAFF, Role.CENTRE_DIRECTOR)


def user_is_court_staff(user, referral: Referral) -> bool:
    """A clerk or judge of the referring court (or of its litigation-mediation centre)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, role__in=COURT_ROLES, organisation__path__startswith=referral.court.path
    ).exists()


def user_is_centre_staff(user, referral: Referral) -> bool:
    """Staff or the director of the receiving centre."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, role__in=CENTRE_ROLES, organisation_id=referral.centre_id
    ).exists()


def user_is_proposed_mediator(user, referral: Referral) -> bool:
    return user.is_authenticated and referral.proposed_mediator_id == user.pk


def user_is_mediator(user, referral: Referral) -> bool:
    return user.is_authenticated and referral.mediator_id == user.pk


def user_may_refer(user, court) -> bool:
    """A court clerk posted at ``court`` may send it a referral."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, role=Role.COURT_CLERK, organisation=court).exists()


def referring_courts(user) -> QuerySet:
    from .models import Organisation

    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.COURT_CLERK
    ).distinct()


# Which referrals a user sees is decided in ``access``, through the referral's case.

_LISTED = ("case", "court", "centre", "mediator")


def referrals_visible_to(user) -> QuerySet[Referral]:
    """The referrals whose case the user may see (``access.cases_visible_to``)."""
    return access.referrals_visible_to(user, Referral).select_related(*_LISTED)


def court_referrals(user) -> QuerySet[Referral]:
    """The referrals sent by the user's court, newest first, for the court's list page."""
    return access.referrals_sent_by(user, Referral).select_related(*_LISTED)


def centre_queue(user) -> QuerySet[Referral]:
    """The referrals whose cases the user's centre runs: the ones it received."""
    return Referral.objects.filter(
        case__in=access.cases_related(user, access.Relation.MANAGER)
    ).select_related(*_LISTED)


def user_may_see_referral(user, referral: Referral) -> bool:
    return access.may_see_case(user, referral.case_id)


def referral_documents(referral: Referral) -> QuerySet[ReferralDocument]:
    return referral.documents.select_related("uploaded_by")


def answered_mediators(referral: Referral) -> list[int]:
    """The mediators already asked: they declined, did not answer, or were recused."""
    asked = set(referral.answers.values_list("mediator_id", flat=True))
    recused = referral.recusals.filter(kept=False).values_list("mediator_id", flat=True)
    return sorted(asked | set(recused))


def referral_consents(referral: Referral) -> QuerySet[PartyConsent]:
    return referral.consents.select_related("party__person", "recorded_by")


def parties_to_answer(referral: Referral) -> QuerySet[CaseParty]:
    """The parties whose answer to the referral is not yet recorded."""
    return (
        referral.case.parties.exclude(referral_consents__referral=referral)
        .select_related("person")
        .order_by("role", "pk")
    )


def referral_extensions(referral: Referral) -> QuerySet[ClockExtension]:
    return referral.extensions.select_related("recorded_by").prefetch_related("parties__person")


def referral_recusals(referral: Referral) -> QuerySet[Recusal]:
    return referral.recusals.select_related("mediator", "recorded_by", "consent")


def referral_suspensions(referral: Referral) -> QuerySet[Suspension]:
    return referral.suspensions.select_related("flagged_by", "decided_by")
