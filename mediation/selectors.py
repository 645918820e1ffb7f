"""Every read that a page, a command or another package makes of the domain."""

import dataclasses
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

# Who may see which case is decided in ``access``; these names stay importable here.
from .access import (  # noqa: F401
    MANAGER_ROLES,
    access_case,
    cases_visible_to,
    user_may_handle_case,
    user_may_manage_case,
)
from .models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseGroupObjectPermission,
    CaseParty,
    CaseUserObjectPermission,
    MediatorProfile,
    MediatorStatus,
    Membership,
    Organisation,
    OrgKind,
)
from .models.cases import FINAL_STATUSES


def user_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct()


def _within_posts(user, queryset: QuerySet, path_field: str) -> QuerySet:
    """``queryset`` narrowed to rows whose ``path_field`` lies at or below one of
    ``user``'s posts; all of it for a superuser, none of it for anyone else."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    paths = list(user_organisations(user).values_list("path", flat=True))
    if not paths:
        return queryset.none()
    return queryset.filter(
        reduce(or_, (Q(**{f"{path_field}__startswith": path}) for path in paths))
    )


@dataclasses.dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    tier: str = ""
    dispute_type: str = ""
    channel: str = ""
    organisation: Organisation | None = None
    overdue: bool = False
    q: str = ""


def case_list(*, user, filters: CaseFilters = CaseFilters()) -> QuerySet[Case]:
    cases = cases_visible_to(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.tier:
        cases = cases.filter(tier=filters.tier)
    if filters.dispute_type:
        cases = cases.filter(dispute_type=filters.dispute_type)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.organisation is not None:
        cases = cases.filter(handling_org__path__startswith=filters.organisation.path)
    if filters.overdue:
        cases = cases.exclude(status__in=FINAL_STATUSES).filter(due_at__lt=timezone.localdate())
    if q := filters.q.strip():
        party_match = CaseParty.objects.filter(case=OuterRef("pk"), person__name__contains=q)
        cases = cases.filter(Q(number__contains=q) | Exists(party_match))
    return cases.select_related("handling_org").order_by("-is_priority", "-reported_at", "-id")


def case_get(*, user, pk: int) -> Case:
    """One case that ``user`` may see; 404 otherwise, so that ids cannot be probed."""
    return access_case(user, pk)


def case_parties(case: Case) -> QuerySet[CaseParty]:
    return case.parties.select_related("person", "agent")


def case_latest_outcome(case: Case) -> AuditEvent | None:
    """The audit event of the case's latest recorded outcome, with its summary."""
    return (
        AuditEvent.objects.filter(case=case, action=AuditAction.CASE_OUTCOME)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def case_outcome_recorder(case: Case):
    """The user who recorded the case's latest outcome, or None."""
    event = case_latest_outcome(case)
    return event.actor if event else None


def case_parties_unrated(case: Case | int):
    """The parties who have not rated the case; ``case`` may be given by its id."""
    case_id = getattr(case, "pk", case)
    return (
        CaseParty.objects.filter(case_id=case_id)
        .exclude(ratings__case_id=case_id)
        .select_related("person")
    )


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    return case.events.select_related("actor").order_by("at", "id")


# The organisations a staff member works with, for the pages' choice lists.

# The kinds that take in cases: the centres, the communities and the grids.
INTAKE_KINDS = (OrgKind.DISTRICT_CENTRE, OrgKind.STREET_CENTRE, OrgKind.COMMITTEE, OrgKind.GRID)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """The organisations at and below any of ``user``'s posts; every one for a superuser."""
    return _within_posts(user, Organisation.objects.all(), "path")


def user_may_register(user) -> bool:
    """Any staff member with a post may register a case; so may a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user).exists()


def intake_organisations(user) -> QuerySet[Organisation]:
    """The organisations ``user`` may register a case for, as its handling organisation."""
    return organisations_visible_to(user).filter(kind__in=INTAKE_KINDS)


def intake_grids(user) -> QuerySet[Organisation]:
    return organisations_visible_to(user).filter(kind=OrgKind.GRID)


# Who may take which step of a case's closed loop: decided in ``access``, with who sees it.

# Who may mediate which case.


def mediator_is_party(*, case: Case, mediator) -> bool:
    """Whether ``mediator`` is a party to the case, or a party's agent."""
    return (
        CaseParty.objects.filter(case=case)
        .filter(Q(person__user=mediator) | Q(agent__user=mediator))
        .exists()
    )


def _covers(profile: MediatorProfile, case: Case) -> bool:
    return case.dispute_type in (profile.dispute_types or [])


def mediator_matches(*, case: Case, mediator) -> bool:
    """Whether ``mediator``'s roster profile lists the case's type of dispute (问诊)."""
    profile = MediatorProfile.objects.filter(user=mediator, status=MediatorStatus.ACTIVE).first()
    return profile is not None and _covers(profile, case)


def specialists_for(case: Case) -> list[MediatorProfile]:
    """Active roster mediators whose profiles list the case's type of dispute.

    The roster is tens of people, so the match is made here rather than with a JSON
    lookup that SQLite lacks.
    """
    profiles = MediatorProfile.objects.filter(status=MediatorStatus.ACTIVE).select_related("user")
    return [profile for profile in profiles if _covers(profile, case)]


# One-off shares of a case (granted in services_access).


def case_shares(case: Case) -> list:
    """The case's shares with users and with organisations, oldest first."""
    users = CaseUserObjectPermission.objects.filter(content_object=case).select_related(
        "user", "granted_by"
    )
    organisations = CaseGroupObjectPermission.objects.filter(content_object=case).select_related(
        "group__organisation_link__organisation", "granted_by"
    )
    return sorted([*users, *organisations], key=lambda share: (share.granted_at, share.pk))


def case_share_get(*, case: Case, kind: str, pk: int):
    """One share of ``case``; ``kind`` is ``user`` or ``organisation``. DoesNotExist else."""
    model = {"user": CaseUserObjectPermission, "organisation": CaseGroupObjectPermission}.get(kind)
    if model is None:
        raise CaseUserObjectPermission.DoesNotExist
    return model.objects.get(content_object=case, pk=pk)
