from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CASE_REPORTED = "case.reported", _("Case reported")
    CASE_UPDATED = "case.updated", _("Case updated")
    CASE_ACCEPTED = "case.accepted", _("Case accepted")
    CASE_DISPATCHED = "case.dispatched", _("Case dispatched")
    CASE_MEDIATING = "case.mediating", _("Mediation started")
    CASE_OUTCOME = "case.outcome", _("Outcome recorded")
    CASE_CLOSED = "case.closed", _("Case closed")
    CASE_REJECTED = "case.rejected", _("Case not accepted")
    CASE_REDIRECTED = "case.redirected", _("Case redirected")
    CASE_MERGED = "case.merged", _("Case merged")
    CASE_RATED = "case.rated", _("Case rated")
    CASE_RATING_CLOSED = "case.rating_closed", _("Rating closed")
    PARTY_ADDED = "party.added", _("Party added")
    ORGANISATION_CREATED = "organisation.created", _("Organisation created")
    MEMBERSHIP_GRANTED = "membership.granted", _("Membership granted")
    MEDIATOR_REGISTERED = "mediator.registered", _("Mediator registered")


class AuditEvent(models.Model):
    """One change, written by the service that made it, in the same transaction."""

    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
