"""The roster's menu link and the sessions card on the case page.

They render from their own selectors, so the pages that show them need no change
to their views.
"""

from django import template

from .. import selectors_roster, selectors_sessions
from ..models.sessions import SessionStatus
from ..services_sessions import SESSION_CASE_STATUSES

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("mediation/roster/menu_link.html", takes_context=True)
def roster_menu_link(context):
    user = _user(context)
    return {"show": user is not None and selectors_roster.user_may_view_roster(user)}


@register.inclusion_tag("mediation/sessions/card.html", takes_context=True)
def sessions_card(context, case):
    user = _user(context)
    may_run = (
        user is not None
        and case.status in SESSION_CASE_STATUSES
        and selectors_sessions.user_may_run_sessions(user, case)
    )
    sessions = list(selectors_sessions.case_sessions(case))
    return {
        "case": case,
        "sessions": sessions,
        "rights_notices": list(selectors_sessions.case_rights_notices(case)),
        "untold": selectors_sessions.parties_not_told_rights(case) if may_run else [],
        "may_run": may_run,
        "scheduled": SessionStatus.SCHEDULED,
    }
