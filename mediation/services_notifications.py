"""Writes to the notices left for staff."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from . import selectors_notifications
from .models import Notification


def notification_mark_read(*, notification: Notification, actor) -> Notification:
    """Mark a notice read. A notice to an organisation is read for everyone posted there:
    it asks the organisation to act, and one reader is enough to take it up."""
    unread = selectors_notifications.notifications_for(actor).filter(
        pk=notification.pk, read_at__isnull=True
    )
    if not selectors_notifications.notifications_for(actor).filter(pk=notification.pk).exists():
        raise PermissionDenied
    Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notice addressed to ``actor`` read; returns how many."""
    unread = selectors_notifications.notifications_for(actor).filter(read_at__isnull=True)
    return Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=timezone.now())
