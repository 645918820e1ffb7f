"""Reads of the notices left for staff (``Notification``)."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """Notices addressed to ``user``, or to any organisation ``user`` is posted at."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(Q(user=user) | Q(organisation__memberships__user=user))
        .distinct()
        .select_related("case", "organisation")
        .order_by("-created_at", "-id")
    )


def notifications_unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_get(*, user, pk: int) -> Notification:
    """One notice addressed to ``user``; 404 for any other, so that none leaks."""
    return get_object_or_404(notifications_for(user), pk=pk)
