"""Reads of the notices left for staff (``Notification``)."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from . import access
from .models import Case, Notification


def notifications_for(user) -> QuerySet[Notification]:
    """Notices addressed to ``user``, or to any organisation ``user`` is posted at, about
    no case or a case ``user`` may see: a notice to a centre about a new task is for
    its staff, not for a mediator posted there who does not see that case."""
    if not user.is_authenticated:
        return Notification.objects.none()
    notices = Notification.objects.filter(Q(user=user) | Q(organisation__memberships__user=user))
    visible = access.visibility_condition(user)
    if visible is not None:
        seen = Case.objects.filter(visible, pk=OuterRef("case_id"))
        notices = notices.filter(Q(case__isnull=True) | Exists(seen))
    return notices.distinct().select_related("case", "organisation").order_by("-created_at", "-id")


def notifications_unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_get(*, user, pk: int) -> Notification:
    """One notice addressed to ``user``; 404 for any other, so that none leaks."""
    return get_object_or_404(notifications_for(user), pk=pk)
