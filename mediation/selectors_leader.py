"""Reads of the leader case (专诊): who leads a case, what report is owed, who sees what."""

from django.db.models import QuerySet

from .access import cases_visible_to, user_may_handle_case
from .models import AuditAction, AuditEvent, Case, LeaderCase, Membership, ProgressReport, Role


def is_responsible_leader(user) -> bool:
    """Whether ``user`` holds the post of responsible leader (包保领导) anywhere."""
    return Membership.objects.filter(user=user, role=Role.RESPONSIBLE_LEADER).exists()


def case_open_leader_case(case: Case) -> LeaderCase | None:
    """The case's leader case that has not been signed off yet, if any."""
    return (
        LeaderCase.objects.filter(case=case, signed_off_at__isnull=True)
        .select_related("leader")
        .first()
    )


def case_has_open_leader_case(case: Case) -> bool:
    """The case loop waits while this is true (registered as a diagnosis)."""
    return LeaderCase.objects.filter(case=case, signed_off_at__isnull=True).exists()


def user_leads(user, leader_case: LeaderCase) -> bool:
    """``user`` is the responsible leader of ``leader_case``, which is still open."""
    return (
        user.is_authenticated
        and leader_case.leader_id == user.pk
        and leader_case.signed_off_at is None
    )


def user_may_handle_leader_case(user, leader_case: LeaderCase) -> bool:
    """The case's handler, who is never its responsible leader: the leader checks the work."""
    return user_may_handle_case(user, leader_case.case) and leader_case.leader_id != user.pk


def leader_case_owed_report(leader_case: LeaderCase) -> ProgressReport | None:
    """The progress report the handler owes now: neither filed nor missed."""
    return (
        leader_case.progress_reports.filter(filed_at__isnull=True, missed=False)
        .order_by("due_on", "id")
        .first()
    )


def leader_case_reports(leader_case: LeaderCase) -> QuerySet[ProgressReport]:
    return leader_case.progress_reports.select_related("filed_by").order_by("due_on", "id")


def leader_case_last_return(leader_case: LeaderCase) -> AuditEvent | None:
    """The leader's latest return of the plan, with the comments the handler must answer."""
    return (
        AuditEvent.objects.filter(
            case_id=leader_case.case_id,
            action=AuditAction.LEADER_PLAN_RETURNED,
            data__leader_case=leader_case.pk,
        )
        .order_by("-at", "-id")
        .first()
    )


def leader_cases_visible_to(user) -> QuerySet[LeaderCase]:
    """Leader cases of the cases ``user`` may see.

    A responsible leader is often posted outside the case's organisations; they
    still see the cases they lead (``access``: the leader's relation).
    """
    return LeaderCase.objects.filter(case__in=cases_visible_to(user))


def user_may_see_leader_cases(user) -> bool:
    """Staff with a post see the leader-case pages (their lists are narrowed per case)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user).exists()
