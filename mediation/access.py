"""Who may see which case, and how: the one place that answers it.

Every page, list, task and download asks here. ``cases_visible_to(user)`` is the case
list a user may see; ``access_case(user, case_or_pk)`` returns one case or raises
``Http404``, never 403, so that ids cannot be probed; ``case_access(user, case_or_pk)``
says *how* the user sees the case (``CaseAccess``) for a page that shows less to some.

Rules are decided per case and per organisation, never per model, and each is one
condition on ``Case`` built from the user's posts (``Membership``), so that the list,
the single case and the relationship answer cannot disagree:

* the handling organisation and the organisations above it: centre, committee and
  grid staff (``LINE_ROLES``) see the cases handled at or below their post;
* the centre that registered a case runs it to the end (accepts, dispatches,
  verifies, takes the ratings: the flows' managers), so its staff and directors see
  it wherever it is handled;
* a centre director sees every case in the district of their centre;
* a grid worker also sees what was reported in their grid;
* the named mediator sees the case; when unassigned or recused, the condition no
  longer holds on the next request. A case dispatched with no mediator named may be
  taken by anyone posted at the handling organisation (``user_may_handle_case``), so
  they see it from dispatch on;
* a responsible leader sees the cases they lead;
* justice staff see the cases mediated by members of the people's mediation
  committees below their bureau or office;
* a department summoned to a joint consultation sees the case while the
  consultation is open; afterwards only its own opinion (``selectors_joint``);
* a referring body (court, police station, petition bureau) sees the cases it
  referred, in a limited view (``CaseAccess.full`` is False);
* the mediator designated for a court referral sees its case in the same limited
  view while their answer is awaited, enough to decide whether to accept (and to
  declare a conflict); declining, an answer period that runs out or a replacement
  ends it on the next request, and accepting makes them the case's mediator;
* a one-off share by a centre director (``services_access``).

A user with no post (a party, who uses the party portal) sees nothing here, whatever
else is true of them. A superuser sees every case, but personal data stays masked
unless they also handle the case.
"""

import dataclasses
import enum
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from . import lookups  # noqa: F401  (registers __in_set)
from .models import (
    Case,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseUserObjectPermission,
    JointConsultation,
    LeaderCase,
    MediatorProfile,
    Membership,
    Organisation,
    OrganisationGroup,
    OrgKind,
    Role,
)
from .models.handoffs import PetitionReferral, PoliceReferral
from .models.organisations import line_paths
from .models.referrals import Referral, ReferralStatus

# The roles that work the cases of their organisation and of the ones below it.
LINE_ROLES = (Role.CENTRE_STAFF, Role.CENTRE_DIRECTOR, Role.COMMITTEE_STAFF, Role.GRID_WORKER)
# Centre staff and directors run a case from acceptance to rating (the flows' managers).
MANAGER_ROLES = (Role.CENTRE_STAFF, Role.CENTRE_DIRECTOR)
COURT_ROLES = (Role.COURT_CLERK, Role.JUDGE)
# Each kind of referral, the body on it that referred the case, and that body's roles.
REFERRING_BODIES = (
    (Referral, "court", COURT_ROLES),
    (PoliceReferral, "station", (Role.POLICE_OFFICER,)),
    (PetitionReferral, "bureau", (Role.PETITION_STAFF,)),
)
# The one permission a share grants: the model's default view permission.
VIEW_CASE = "view_case"
# A case is in its handling organisation's hands from dispatch on.
DISPATCHED_STATUSES = (
    CaseStatus.DISPATCHED,
    CaseStatus.MEDIATING,
    CaseStatus.VERIFYING,
    CaseStatus.CLOSED,
)


class Relation(enum.StrEnum):
    """One reason why a user sees a case."""

    SUPERUSER = "superuser"
    DIRECTOR = "director"
    HANDLING_LINE = "handling_line"
    GRID = "grid"
    MEDIATOR = "mediator"
    POSTED_HANDLER = "posted_handler"
    LEADER = "leader"
    JUSTICE = "justice"
    SUMMONED = "summoned"
    REFERRER = "referrer"
    PROPOSED = "proposed"
    SHARED = "shared"
    # Centre staff of the registering or handling organisation, who run the case's
    # steps (``user_may_manage_case``).
    MANAGER = "manager"


# A referring body and a designated mediator who has not answered see a limited
# page; every other relation gives the full case page.
LIMITED = frozenset({Relation.REFERRER, Relation.PROPOSED})
FULL_READ = frozenset(Relation) - LIMITED
VISIBILITY = FULL_READ | LIMITED
HANDLERS = frozenset({Relation.MEDIATOR, Relation.POSTED_HANDLER})


@dataclasses.dataclass(frozen=True)
class Post:
    organisation_id: int
    path: str
    kind: str
    role: str


def user_posts(user) -> list[Post]:
    """The user's posts, read afresh on each call: a post that ended counts no more."""
    if not user.is_authenticated:
        return []
    rows = Membership.objects.filter(user=user).values_list(
        "organisation_id", "organisation__path", "organisation__kind", "role"
    )
    return [Post(*row) for row in rows]


def orgs_under(paths) -> QuerySet:
    """The ids of the organisations at or below any of ``paths``, for ``__in_set``."""
    return Organisation.objects.filter(
        reduce(or_, (Q(path__startswith=path) for path in sorted(set(paths))))
    ).values("pk")


def handled_under(paths) -> Q:
    """Cases (or rows with a ``handling_org_id``) handled at or below any of ``paths``."""
    return Q(handling_org_id__in_set=orgs_under(paths))


def _lines(posts) -> list[str]:
    """The paths of the posts' organisations and of every one above them."""
    return sorted({path for post in posts for path in line_paths(post.path)})


def _district_paths(posts) -> list[str]:
    """The paths of the districts whose centres the posts belong to."""
    lines = _lines(posts)
    districts = list(
        Organisation.objects.filter(kind=OrgKind.DISTRICT_CENTRE, path__in=lines).values_list(
            "path", flat=True
        )
    )
    # A post that no district centre stands above sees its own subtree.
    covered = [post.path for post in posts if not any(post.path.startswith(d) for d in districts)]
    return districts + covered


def committee_mediators(paths) -> tuple[QuerySet, QuerySet]:
    """The user ids of the mediators of the people's mediation committees below
    ``paths``: those posted there, and those on their rosters."""
    under = reduce(or_, (Q(organisation__path__startswith=path) for path in sorted(set(paths))))
    committee = Q(organisation__kind=OrgKind.MEDIATION_COMMITTEE) & under
    return (
        Membership.objects.filter(committee).values("user_id"),
        MediatorProfile.objects.filter(committee).values("user_id"),
    )


def _committee_mediators(paths) -> Q:
    """Cases whose mediator works for a people's mediation committee below ``paths``."""
    posted, on_roster = committee_mediators(paths)
    return Q(mediator_id__in_set=posted) | Q(mediator_id__in_set=on_roster)


def _sent_by(posts: list[Post]) -> dict[type, QuerySet]:
    """The referrals of each kind sent by the referring bodies the posts belong to: a
    clerk or judge of the court (or of a body within it), an officer of the police
    station, petition staff of the bureau."""
    sent = {}
    for model, body, roles in REFERRING_BODIES:
        if bodies := [post for post in posts if post.role in roles]:
            sent[model] = model.objects.filter(**{f"{body}__path__in": _lines(bodies)})
    return sent


# The relations by which a user sees every case handled in a subtree.
SUBTREE_RELATIONS = (Relation.HANDLING_LINE, Relation.DIRECTOR)


def _subtrees(posts: list[Post]) -> dict[Relation, list[str]]:
    """The paths of the subtrees whose handled cases the posts see, by relation: the
    handling line's posts, and the districts of the directors' posts."""
    subtrees = {}
    if line := [post.path for post in posts if post.role in LINE_ROLES]:
        subtrees[Relation.HANDLING_LINE] = line
    if directors := [post for post in posts if post.role == Role.CENTRE_DIRECTOR]:
        subtrees[Relation.DIRECTOR] = _district_paths(directors)
    return subtrees


def subtree_paths(posts: list[Post]) -> list[str]:
    """The paths of the organisations below which the holder of ``posts``
    (``user_posts``) sees every case handled (``SUBTREE_RELATIONS``)."""
    return [path for paths in _subtrees(posts).values() for path in paths]


def _conditions(user, posts: list[Post]) -> dict[Relation, Q]:
    """Each relation the user can have with a case, as a condition on ``Case``.

    Each condition is a column test against a literal list or a subquery run once
    (``__in_set``, mediation/lookups.py): no join that repeats rows, so they can be
    OR-ed for a list and annotated for one case, and on PostgreSQL each can use its
    index: a narrow list is a bitmap scan, a wide one reads the list's index in order.
    """

    def with_roles(*roles):
        return [post for post in posts if post.role in roles]

    conditions: dict[Relation, Q] = {
        relation: handled_under(paths) for relation, paths in _subtrees(posts).items()
    }
    if grids := with_roles(Role.GRID_WORKER):
        conditions[Relation.GRID] = Q(grid_id__in_set=orgs_under(post.path for post in grids))
    conditions[Relation.MEDIATOR] = Q(mediator_id=user.pk)
    conditions[Relation.POSTED_HANDLER] = Q(
        mediator__isnull=True,
        status__in=DISPATCHED_STATUSES,
        handling_org_id__in=sorted({p.organisation_id for p in posts}),
    )
    if managers := with_roles(*MANAGER_ROLES):
        org_ids = sorted({post.organisation_id for post in managers})
        conditions[Relation.MANAGER] = Q(centre_id__in=org_ids) | Q(handling_org_id__in=org_ids)
    conditions[Relation.LEADER] = Q(
        pk__in_set=LeaderCase.objects.filter(leader_id=user.pk).values("case_id")
    )
    if justice := with_roles(Role.JUSTICE_STAFF):
        conditions[Relation.JUSTICE] = _committee_mediators(post.path for post in justice)
    conditions[Relation.SUMMONED] = Q(
        pk__in_set=JointConsultation.objects.filter(
            planned_at__isnull=True, summonses__department__path__in=_lines(posts)
        ).values("case_id")
    )
    if sent := _sent_by(posts):
        conditions[Relation.REFERRER] = reduce(
            or_, (Q(pk__in_set=referrals.values("case_id")) for referrals in sent.values())
        )
    conditions[Relation.PROPOSED] = Q(
        pk__in_set=Referral.objects.filter(
            proposed_mediator_id=user.pk, status=ReferralStatus.DESIGNATED
        ).values("case_id")
    )
    # Every row of the share tables is a share of ``view_case`` (services_access makes
    # no other), so the tests name no permission, and an organisation's group is found
    # in its own small table: neither auth_permission nor auth_group is joined.
    shared_with_user = CaseUserObjectPermission.objects.filter(user_id=user.pk).values(
        "content_object_id"
    )
    org_groups = OrganisationGroup.objects.filter(
        organisation_id__in=sorted({p.organisation_id for p in posts})
    ).values("group_id")
    shared_with_org = CaseGroupObjectPermission.objects.filter(group_id__in_set=org_groups).values(
        "content_object_id"
    )
    conditions[Relation.SHARED] = Q(pk__in_set=shared_with_user) | Q(pk__in_set=shared_with_org)
    return conditions


def visibility_relations(user) -> dict[Relation, Q] | None:
    """The conditions on ``Case`` by which ``user`` sees cases, one per relation of
    ``VISIBILITY`` they have (none: no case); None means every case (a superuser)."""
    if not user.is_authenticated:
        return {}
    if user.is_superuser:
        return None
    posts = user_posts(user)
    if not posts:
        return {}
    return {r: q for r, q in _conditions(user, posts).items() if r in VISIBILITY}


def visibility_condition(user) -> Q | None:
    """The condition on ``Case`` for the cases ``user`` may see; None means every case,
    ``Q(pk__in=[])`` none. For a query that builds its own list (the benchmark)."""
    conditions = visibility_relations(user)
    if conditions is None:
        return None
    return reduce(or_, conditions.values()) if conditions else Q(pk__in=[])


# The relations that read only where a case is handled and which centre registered it:
# the statistics' rollup is kept per handling organisation and centre, so it can apply
# them to its rows (``statistics_split``).
ORGANISATION_RELATIONS = (Relation.HANDLING_LINE, Relation.DIRECTOR, Relation.MANAGER)


def statistics_split(user) -> tuple[Q | None, Q | None]:
    """``visibility_condition(user)`` as two parts, ``(by_organisation, other)``, each
    None when empty: ``by_organisation`` reads only ``handling_org_id`` and
    ``centre_id``, so that it holds for the statistics' rollup rows as for cases;
    ``other`` is every other reason to see a case. The cases ``user`` may see are those
    of either part."""
    chosen = visibility_relations(user)
    if chosen is None:
        return Q(), None
    by_org = [chosen.pop(r) for r in ORGANISATION_RELATIONS if r in chosen]
    return (
        reduce(or_, by_org) if by_org else None,
        reduce(or_, chosen.values()) if chosen else None,
    )


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases ``user`` may see, by the rules above."""
    condition = visibility_condition(user)
    if condition is None:
        return Case.objects.all()
    return Case.objects.filter(condition)


def may_see_case(user, case: Case | int) -> bool:
    return cases_visible_to(user).filter(pk=getattr(case, "pk", case)).exists()


def cases_related(user, *relations: Relation) -> QuerySet[Case]:
    """The cases ``user`` has one of ``relations`` with: for a work list narrower than
    all they may see, such as the referrals a centre received (``Relation.MANAGER``)."""
    posts = user_posts(user)
    conditions = _conditions(user, posts) if posts else {}
    chosen = [conditions[relation] for relation in relations if relation in conditions]
    if not chosen:
        return Case.objects.none()
    return Case.objects.filter(reduce(or_, chosen))


# Referrals (court, police, petition) are seen through their cases.


def referrals_visible_to(user, model=Referral) -> QuerySet:
    """The referrals of ``model`` (``Referral``, ``PoliceReferral`` or
    ``PetitionReferral``) whose case ``user`` may see."""
    return model.objects.filter(case__in=cases_visible_to(user))


def referral_access(user, pk, model=Referral, related=()) -> tuple:
    """The referral of ``model`` (with ``related`` selected) and how ``user`` sees its
    case (``case_access``): a referral whose case they may not see is a 404, as one
    that does not exist, so that ids cannot be probed."""
    referral = model.objects.select_related(*related).filter(pk=pk).first()
    if referral is None:
        raise Http404
    seen = case_access(user, referral.case_id)
    referral.case = seen.case
    return referral, seen


def referrals_sent_by(user, model=Referral) -> QuerySet:
    """The referrals of ``model`` that the user's referring bodies sent: the cases they
    see as ``Relation.REFERRER``."""
    return _sent_by(user_posts(user)).get(model, model.objects.none())


@dataclasses.dataclass(frozen=True)
class CaseAccess:
    """How one user sees one case: the reasons (``relations``) and what follows from them."""

    case: Case
    relations: frozenset[Relation]

    @property
    def visible(self) -> bool:
        return bool(self.relations & VISIBILITY)

    @property
    def full(self) -> bool:
        """The whole case page. A referring body alone sees status, deadlines and the
        outcome, not session records or the notes of the mediation."""
        return bool(self.relations & FULL_READ)

    @property
    def is_handler(self) -> bool:
        return bool(self.relations & HANDLERS)

    @property
    def may_write(self) -> bool:
        """The case's handler or the centre staff who run it; tasks keep their own rules."""
        return self.visible and (self.is_handler or Relation.MANAGER in self.relations)

    @property
    def unmasked(self) -> bool:
        """ID and phone numbers in full: only for the handling mediator and the centre
        staff of the case (PIPL); every such view is logged."""
        return self.may_write

    @property
    def may_share(self) -> bool:
        """A centre director of the case's district grants and revokes one-off shares."""
        return Relation.DIRECTOR in self.relations


def _case_pk(case_or_pk) -> int:
    pk = getattr(case_or_pk, "pk", case_or_pk)
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def case_access(user, case_or_pk) -> CaseAccess:
    """How ``user`` sees the case, read in one query; ``Http404`` if they may not see it."""
    pk = _case_pk(case_or_pk)
    if not user.is_authenticated:
        raise Http404
    posts = user_posts(user)
    if not posts and not user.is_superuser:
        raise Http404
    conditions = _conditions(user, posts) if posts else {}
    flags = {
        f"_is_{relation.value}": ExpressionWrapper(condition, output_field=BooleanField())
        for relation, condition in conditions.items()
    }
    case = (
        Case.objects.filter(pk=pk)
        .select_related("handling_org", "grid", "centre")
        .annotate(**flags)
        .first()
    )
    if case is None:
        raise Http404
    relations = {relation for relation in conditions if getattr(case, f"_is_{relation.value}")}
    if user.is_superuser:
        relations.add(Relation.SUPERUSER)
    access = CaseAccess(case=case, relations=frozenset(relations))
    if not access.visible:
        raise Http404
    return access


def access_case(user, case_or_pk, *, for_write: bool = False) -> Case:
    """The case, if ``user`` may see it; ``Http404`` otherwise, so that ids cannot be
    probed. ``for_write``: the user must also handle or run it (403, as they see it)."""
    access = case_access(user, case_or_pk)
    if for_write and not access.may_write:
        raise PermissionDenied
    return access.case


def _write_condition(conditions: dict[Relation, Q]) -> Q:
    return reduce(or_, (conditions[r] for r in (*HANDLERS, Relation.MANAGER) if r in conditions))


def case_write_condition(user) -> Q:
    """The cases whose steps ``user`` may take as handler or manager (before the flows'
    own rules): a superset of the loop's rules, for narrowing task lists. Handlers and
    managers are reasons to see a case, so every such case is also visible."""
    posts = user_posts(user)
    if not posts:
        return Q(pk__in=[])
    return _write_condition(_conditions(user, posts))


def cases_writable_by(user) -> QuerySet[Case]:
    """The cases ``user`` handles or runs (``CaseAccess.may_write``), read in one query."""
    return Case.objects.filter(case_write_condition(user))


# The flows' rules for who takes a case's steps, on one case.


def user_may_manage_case(user, case: Case) -> bool:
    """Centre staff or a director of the case's registering or handling organisation.

    They accept, dispatch, verify and take the ratings.
    """
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        role__in=MANAGER_ROLES,
        organisation_id__in=[case.centre_id, case.handling_org_id],
    ).exists()


def user_may_handle_case(user, case: Case) -> bool:
    """The assigned mediator, or, when none is named, anyone posted at the handling organisation."""
    if not user.is_authenticated:
        return False
    if case.mediator_id is not None:
        return case.mediator_id == user.pk
    return Membership.objects.filter(user=user, organisation_id=case.handling_org_id).exists()


__all__ = [
    "CaseAccess",
    "Relation",
    "access_case",
    "case_access",
    "case_write_condition",
    "cases_related",
    "cases_visible_to",
    "cases_writable_by",
    "may_see_case",
    "referrals_sent_by",
    "referrals_visible_to",
    "user_may_handle_case",
    "user_may_manage_case",
    "user_posts",
    "visibility_condition",
]
