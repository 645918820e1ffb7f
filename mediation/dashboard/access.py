"""Who may open the statistics, and over which cases.

The figures are those of ``mediation.access.cases_visible_to(user)``: nobody counts a
case they may not see, and a centre director, who sees the whole district, gets the
district's figures. The pages are for the staff who work the cases of an organisation
and those who oversee people's mediation; a mediator, a referring body, a summoned
department or a party has no statistics page (403).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from mediation.models import Membership, Role

STATISTICS_ROLES = (
    Role.CENTRE_DIRECTOR,
    Role.CENTRE_STAFF,
    Role.COMMITTEE_STAFF,
    Role.GRID_WORKER,
    Role.JUSTICE_STAFF,
)


def user_may_see_statistics(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STATISTICS_ROLES).exists()


def access_statistics(user) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may open the statistics."""
    if not user_may_see_statistics(user):
        raise PermissionDenied(
            _(
                "The statistics are for centre directors and the staff of centres, "
                "committees, grids and justice offices. Your posts do not include one."
            )
        )
