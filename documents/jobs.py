"""The periodic job that finds renders whose message was lost and queues them again.

A document stays QUEUED while its task waits in the broker or runs. One QUEUED for
longer than ``LOST_AFTER`` whose render holds no live lease lost its message (a broker
restart, a worker killed before it acknowledged): it is queued again. A second
delivery is harmless (``services_render`` claims the row).
"""

import datetime
import logging

from django.db.models import Q
from django.utils import timezone

from mediation.jobs import periodic

from . import services, services_render
from .models import Document, DocumentStatus

logger = logging.getLogger(__name__)

LOST_AFTER = datetime.timedelta(minutes=5)
EVERY = datetime.timedelta(minutes=5)
BATCH = 200


@periodic(every=EVERY, name="documents.requeue_lost_renders")
def requeue_lost_renders(now: datetime.datetime | None = None) -> list[int]:
    """Queue again the renders lost on their way; the ids queued."""
    now = now or timezone.now()
    lost = (
        Document.objects.filter(status=DocumentStatus.QUEUED, queued_at__lt=now - LOST_AFTER)
        .filter(
            Q(render_started_at__isnull=True)
            | Q(render_started_at__lt=now - services_render.lease())
        )
        .order_by("queued_at", "id")[:BATCH]
    )
    requeued = []
    for document in lost:
        # Only the rows still as found: a render that finished meanwhile is left alone.
        moved = Document.objects.filter(
            pk=document.pk, status=DocumentStatus.QUEUED, queued_at=document.queued_at
        ).update(queued_at=now, render_started_at=None)
        if moved:
            logger.warning("re-queueing the render of document %s", document.pk)
            services.send_render(document.pk, services.pending_stage(document))
            requeued.append(document.pk)
    return requeued
