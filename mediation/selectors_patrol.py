"""巡诊 patrol: who may see, start and record the rounds of which communities."""

from django.db.models import Q, QuerySet

from .models import Membership, Organisation, OrgKind, PatrolRound
from .models.organisations import CENTRE_KINDS, line_paths
from .selectors import organisations_visible_to


def patrol_communities_visible_to(user) -> QuerySet[Organisation]:
    """The communities at or below ``user``'s posts: they may schedule and start rounds there."""
    return organisations_visible_to(user).filter(kind=OrgKind.COMMITTEE)


def user_may_start_round(user, community: Organisation) -> bool:
    """Staff posted at the community or above it; grid workers below it may not."""
    return patrol_communities_visible_to(user).filter(pk=community.pk).exists()


def user_may_patrol(user, community: Organisation) -> bool:
    """A member of the community, of a grid under it, or of a centre above it."""
    if not user.is_authenticated:
        return False
    posts = Membership.objects.filter(user=user)
    return posts.filter(
        Q(organisation=community)
        | Q(organisation__kind=OrgKind.GRID, organisation__path__startswith=community.path)
        | Q(
            organisation__kind__in=CENTRE_KINDS,
            organisation__path__in=community.line(),
        )
    ).exists()


def patrol_rounds_visible_to(user) -> QuerySet[PatrolRound]:
    """Rounds of the communities at or below ``user``'s posts, and of those above their grids."""
    rounds = PatrolRound.objects.select_related("community", "patroller")
    if not user.is_authenticated:
        return rounds.none()
    if user.is_superuser:
        return rounds
    grid_paths = Organisation.objects.filter(memberships__user=user, kind=OrgKind.GRID).values_list(
        "path", flat=True
    )
    above_grids = {p for path in grid_paths for p in line_paths(path)}
    return rounds.filter(
        Q(community__in=patrol_communities_visible_to(user)) | Q(community__path__in=above_grids)
    )
