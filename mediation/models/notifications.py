"""What parties and staff are told, and how each message went out.

A staff member's notice is a ``Notification`` (shown on the site's notifications page,
to one user or to everyone posted at an organisation). A message that leaves the
machine, an SMS or an email, is a ``Delivery``: one row per recipient and channel, with
its status, its attempts and its last error, sent after the transaction that made it
commits and retried with a growing delay while the channel fails.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationEvent(models.TextChoices):
    # A notice written by a service for its own occasion: an escalation, a missed report.
    NOTICE = "notice", _("Notice")
    TASK_ASSIGNED = "task_assigned", _("New task")
    DEADLINE_NEAR = "deadline_near", _("Deadline in two working days")
    DEADLINE_OVERDUE = "deadline_overdue", _("Deadline missed")
    SESSION_SCHEDULED = "session_scheduled", _("Session scheduled")
    SESSION_MOVED = "session_moved", _("Session moved")
    DOCUMENT_TO_SIGN = "document_to_sign", _("Document ready to sign")
    CASE_CLOSED = "case_closed", _("Case closed")
    RATING_REQUEST = "rating_request", _("Rating request")


class DeliveryChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    # Failed: tried again at ``next_attempt_at``, or never again when that is empty.
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One message to one recipient on one channel, and what became of it."""

    event = models.CharField(_("event"), max_length=24, choices=NotificationEvent.choices)
    channel = models.CharField(_("sent through"), max_length=8, choices=DeliveryChannel.choices)
    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    person = models.ForeignKey(
        "mediation.Person",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The phone number or email address the message goes to, as it was when it was made.
    address = models.CharField(_("sent to"), max_length=254)
    subject = models.CharField(_("email subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When the retry job may send it (again); empty once sent or given up.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # A sender that has claimed the row holds it until then; another one leaves it alone.
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.channel} {self.address}: {self.status}"


class NotificationKey(models.Model):
    """A notice sent once only (a deadline's warning, a rating request), by its key."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification key")
        verbose_name_plural = _("notification keys")

    def __str__(self):
        return self.key
