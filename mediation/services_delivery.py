"""Telling people: one entry (``notify_event``) for every event and every channel.

Staff get a ``Notification`` on the site (to a user, or to everyone posted at an
organisation). A party gets a text when they have a mobile phone, otherwise an email,
otherwise nothing (``channels.party_route``): one ``Delivery`` row each, with its status.

The rows are written in the caller's transaction, with one ``bulk_create`` per kind,
so a rollback leaves neither a row nor a message. The messages go out after the
commit, as one batch that ends with one UPDATE of the sent rows' status. In-process
(no broker) the committing process has claimed its rows from the start and sends them
at once; with a broker a task claims and sends them. A channel that fails leaves its
delivery FAILED with the error and a next attempt after a growing delay; the retry job
(``deliveries_retry``) sends those that are due, and gives up after ``MAX_ATTEMPTS``.
Two senders never send the same row: each claims its rows first (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL) and holds them for ``LEASE``.
"""

import dataclasses
import datetime
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import Truncator

from . import channels
from .models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationEvent,
    NotificationKey,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The wait before the n-th retry; the last one repeats.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
LEASE = datetime.timedelta(minutes=5)
BATCH = 200


@dataclasses.dataclass(frozen=True)
class Staff:
    """A staff recipient: everyone posted at an organisation, or one user (by their ids)."""

    organisation_id: int | None = None
    user_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Party:
    """A party (a ``Person``); ``only`` restricts them to one channel (``sms``, ``email``)."""

    person: object
    only: str | None = None


def render_message(event: str, context: dict) -> str:
    """The message of ``event`` in the site's language (Chinese), from
    ``templates/notifications/<event>.txt``, on one line."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"notifications/{event}.txt", context)
    return " ".join(text.split())


def _subject(event: str, case) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        label = str(NotificationEvent(event).label)
    return f"{label} {case.number}" if case is not None else label


def notify_event(
    *,
    event: str,
    case=None,
    staff: Iterable[Staff] = (),
    parties: Iterable[Party] = (),
    context: dict | None = None,
) -> list[Delivery]:
    """Tell ``staff`` on the site and ``parties`` by text or email about ``event``, in the
    caller's transaction; the messages leave after it commits. Returns the deliveries."""
    context = {"case": case, **(context or {})}
    staff = list(staff)
    if staff:
        text = Truncator(render_message(event, {**context, "audience": "staff"})).chars(300)
        Notification.objects.bulk_create(
            Notification(
                organisation_id=recipient.organisation_id,
                user_id=recipient.user_id,
                case=case,
                text=text,
                event=event,
            )
            for recipient in staff
        )
    rows = []
    subject = None
    for party in parties:
        route = channels.party_route(party.person, party.only)
        if route is None:
            continue
        channel, address = route
        subject = subject or _subject(event, case)
        body = render_message(event, {**context, "audience": "party", "person": party.person})
        rows.append(
            Delivery(
                event=event,
                channel=channel.name,
                case=case,
                person=party.person,
                address=address,
                subject=subject,
                body=body,
            )
        )
    if rows:
        _queue(rows)
    return rows


def _in_process() -> bool:
    from .celery import app

    return bool(app.conf.task_always_eager)


def _queue(rows: list[Delivery]) -> None:
    """Write ``rows`` and send them once the transaction commits."""
    now = timezone.now()
    in_process = _in_process()
    for row in rows:
        row.created_at = now
        row.next_attempt_at = now
        # In-process, this process sends them right after the commit: claimed already.
        row.leased_until = now + LEASE if in_process else None
    made = Delivery.objects.bulk_create(rows)
    if in_process:
        transaction.on_commit(lambda: deliveries_send(made), robust=True)
    else:
        ids = [row.pk for row in made]
        transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_deliveries

    send_deliveries.delay(ids)


def _backoff(attempts: int) -> datetime.timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def deliveries_send(rows: Sequence[Delivery]) -> tuple[int, int]:
    """Send claimed ``rows``, then write what became of them: one UPDATE for those sent,
    one for each failure. Returns (sent, failed)."""
    sent, failed = [], []
    connections = {}
    try:
        for row in rows:
            channel = channels.CHANNELS[row.channel]
            try:
                if row.channel not in connections:
                    connections[row.channel] = channel.connection()
                channel.send(
                    address=row.address,
                    subject=row.subject,
                    body=row.body,
                    connection=connections[row.channel],
                )
            except Exception as exc:
                logger.warning("delivery %s by %s failed: %s", row.pk, row.channel, exc)
                failed.append((row, f"{type(exc).__name__}: {exc}"[:1000]))
            else:
                sent.append(row.pk)
    finally:
        for connection in connections.values():
            if connection is not None:
                connection.close()
    now = timezone.now()
    if sent:
        Delivery.objects.filter(pk__in=sent).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
            next_attempt_at=None,
            leased_until=None,
        )
    for row, error in failed:
        attempts = row.attempts + 1
        Delivery.objects.filter(pk=row.pk).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            last_error=error,
            next_attempt_at=None if attempts >= MAX_ATTEMPTS else now + _backoff(attempts),
            leased_until=None,
        )
    return len(sent), len(failed)


def deliveries_claim(*, ids: Sequence[int] | None = None, limit: int = BATCH) -> list[Delivery]:
    """The deliveries due now that no other sender holds, claimed for ``LEASE``."""
    now = timezone.now()
    due = Delivery.objects.filter(next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True).order_by("next_attempt_at")[:limit])
        if rows:
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                leased_until=now + LEASE
            )
    return rows


def deliveries_retry(*, ids: Sequence[int] | None = None, limit: int = BATCH) -> tuple[int, int]:
    """Send the deliveries that are due (new ones a broker's task has not sent yet, or
    failed ones whose wait is over), of ``ids`` only if given; returns (sent, failed)."""
    rows = deliveries_claim(ids=ids, limit=limit)
    return deliveries_send(rows) if rows else (0, 0)


def keys_unused(keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that no notice has used yet."""
    keys = set(keys)
    if not keys:
        return set()
    used = set(NotificationKey.objects.filter(key__in=keys).values_list("key", flat=True))
    return keys - used


def keys_use(keys: Iterable[str]) -> None:
    """Mark ``keys`` used, in the transaction that sends their notices."""
    NotificationKey.objects.bulk_create(NotificationKey(key=key) for key in keys)
