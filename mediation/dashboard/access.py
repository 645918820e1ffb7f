"""Who may open the statistics, and over which cases.

The figures are those of ``mediation.access.cases_visible_to(user)``: nobody counts a
case they may not see, and a centre director, who sees the whole district, gets the
district's figures. The pages are for the staff who work the cases of an organisation
and those who oversee people's mediation; a mediator, a referring body, a summoned
department or a party has no statistics page (403).
"""

from django.utils.translation import gettext_lazy as _

from mediation import access
from mediation.models import Membership, Role

# Those who work the cases of an organisation and below it, and those who oversee
# people's mediation.
STATISTICS_ROLES = (*access.LINE_ROLES, Role.JUSTICE_STAFF)

REFUSAL = _(
    "The statistics are for centre directors and the staff of centres, "
    "committees, grids and justice offices. Your posts do not include one."
)


def user_may_see_statistics(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STATISTICS_ROLES).exists()


def request_may_see_statistics(request) -> bool:
    """``user_may_see_statistics`` for the request's user, asked once per request: the
    statistics page and the site menu both ask."""
    allowed = getattr(request, "_statistics_allowed", None)
    if allowed is None:
        allowed = request._statistics_allowed = user_may_see_statistics(request.user)
    return allowed
