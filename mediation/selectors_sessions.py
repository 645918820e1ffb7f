"""Reads of a case's mediation sessions and rights notices."""

from django.db.models import Prefetch, QuerySet

from . import selectors
from .models import Case, CaseParty
from .models.sessions import MediationSession, RightsNotice, SessionAttendance


def user_may_run_sessions(user, case: Case) -> bool:
    """The case's handler (its mediator) or the centre that manages it."""
    return selectors.user_may_handle_case(user, case) or selectors.user_may_manage_case(user, case)


def case_sessions(case: Case) -> QuerySet[MediationSession]:
    return case.sessions.select_related("scheduled_by", "recorded_by").prefetch_related(
        "notices__party__person",
        Prefetch(
            "attendance",
            queryset=SessionAttendance.objects.select_related("party__person"),
        ),
    )


def session_get(*, case: Case, pk: int) -> MediationSession:
    """One session of ``case``; DoesNotExist for a session of another case."""
    return case.sessions.get(pk=pk)


def case_rights_notices(case: Case) -> QuerySet[RightsNotice]:
    return case.rights_notices.select_related("recorded_by").prefetch_related("parties__person")


def parties_not_told_rights(case: Case) -> list[CaseParty]:
    """The parties not yet covered by a rights notice (特邀调解规定 art 14)."""
    return list(
        CaseParty.objects.filter(case=case, rights_notices__isnull=True).select_related("person")
    )
