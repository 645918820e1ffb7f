"""Reads for the police and petition referrals: who refers, who sees which referral."""

from django.db.models import QuerySet

from . import access
from .models import Membership, Organisation, OrgKind, Role
from .models.handoffs import PetitionReferral, PoliceReferral
from .models.organisations import CENTRE_KINDS
from .selectors import MANAGER_ROLES


def _posts(user, kind: str, role: str) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=kind, memberships__user=user, memberships__role=role
    ).distinct()


def user_stations(user) -> QuerySet[Organisation]:
    """The police stations where ``user`` is a police officer."""
    return _posts(user, OrgKind.POLICE_STATION, Role.POLICE_OFFICER)


def user_bureaus(user) -> QuerySet[Organisation]:
    """The petition bureaus where ``user`` is petition staff."""
    return _posts(user, OrgKind.PETITION_BUREAU, Role.PETITION_STAFF)


def receiving_centres() -> QuerySet[Organisation]:
    """The mediation centres a referral may be sent to."""
    return Organisation.objects.filter(kind__in=CENTRE_KINDS).order_by("path")


def centre_directors(organisation: Organisation):
    """The directors posted at ``organisation``: they are told of a late referral."""
    User = Membership._meta.get_field("user").related_model
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.CENTRE_DIRECTOR
    ).distinct()


def user_manages_centre(user, organisation: Organisation) -> bool:
    """Centre staff or a director of ``organisation``."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role__in=MANAGER_ROLES
    ).exists()


# Which referrals a user sees is decided in ``access``, through the referral's case:
# the referring body's own (``Relation.REFERRER``), and the ones the user's centre runs.

_POLICE_LISTED = ("case", "station", "officer", "case__handling_org", "case__centre")
_PETITION_LISTED = ("case", "bureau", "case__handling_org", "case__centre")


def _received(user, model) -> QuerySet:
    """The referrals whose cases the user's centre runs (``Relation.MANAGER``)."""
    return model.objects.filter(case__in=access.cases_related(user, access.Relation.MANAGER))


def police_referrals_of_stations(user) -> QuerySet[PoliceReferral]:
    """The referrals of the stations where ``user`` is an officer, with their cases."""
    return (
        access.referrals_sent_by(user, PoliceReferral)
        .select_related(*_POLICE_LISTED)
        .order_by("-referred_at", "-id")
    )


def police_referrals_received(user) -> QuerySet[PoliceReferral]:
    """The referrals sent to the centres where ``user`` is staff or director."""
    return (
        _received(user, PoliceReferral)
        .select_related(*_POLICE_LISTED)
        .order_by("-referred_at", "-id")
    )


def petition_referrals_of_bureaus(user) -> QuerySet[PetitionReferral]:
    """The transfers of the bureaus where ``user`` is petition staff, with their cases."""
    return (
        access.referrals_sent_by(user, PetitionReferral)
        .select_related(*_PETITION_LISTED)
        .order_by("-transferred_on", "-id")
    )


def petition_referrals_received(user) -> QuerySet[PetitionReferral]:
    """The transfers sent to the centres where ``user`` is staff or director."""
    return (
        _received(user, PetitionReferral)
        .select_related(*_PETITION_LISTED)
        .order_by("-transferred_on", "-id")
    )
