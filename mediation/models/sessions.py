"""Mediation sessions (调解): the notice to each party, the rights notice, the record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class SessionOutcome(models.TextChoices):
    NONE = "", _("None yet")
    AGREEMENT = "agreement", _("Agreement reached")
    CONTINUE = "continue", _("Another session needed")
    NO_AGREEMENT = "no_agreement", _("No agreement")


class MediationSession(models.Model):
    """One sitting of the parties with the mediator; its record is the 调解笔录."""

    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    scheduled_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    # 人民调解法 art 23: the parties may ask for a public or a private session.
    public = models.BooleanField(_("public session"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    reason = models.TextField(_("reason for postponing or cancelling"), blank=True)
    rescheduled_from = models.OneToOneField(
        "self",
        verbose_name=_("postponed session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rescheduled_as",
    )
    statements = models.TextField(_("record of the session"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=SessionOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome details"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["case", "scheduled_at"])]

    def __str__(self):
        return f"{self.case} {self.scheduled_at:%Y-%m-%d %H:%M}"


class NoticeChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")


class SessionNotice(models.Model):
    """The notice of a session given to one party; there is no SMS gateway, so the
    notice is the record that the party was told, and how."""

    session = models.ForeignKey(
        MediationSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    party = models.ForeignKey(
        "mediation.CaseParty",
        verbose_name=_("party"),
        on_delete=models.CASCADE,
        related_name="session_notices",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("session notice")
        verbose_name_plural = _("session notices")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "party"], name="session_notice_once")
        ]

    def __str__(self):
        return f"{self.session_id}/{self.party_id}: {self.channel}"


class SessionAttendance(models.Model):
    """Whether a party attended a session, and what they said."""

    session = models.ForeignKey(
        MediationSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    party = models.ForeignKey(
        "mediation.CaseParty",
        verbose_name=_("party"),
        on_delete=models.CASCADE,
        related_name="session_attendance",
    )
    present = models.BooleanField(_("present"), default=False)
    statement = models.TextField(_("statement"), blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "party"], name="session_attendance_once")
        ]

    def __str__(self):
        return f"{self.session_id}/{self.party_id}: {self.present}"


class RightsItem(models.TextChoices):
    RIGHTS_AND_DUTIES = "rights_duties", _("Their rights and duties")
    PROCEDURE = "procedure", _("The mediation procedure")
    AGREEMENT_EFFECT = "agreement_effect", _("The legal effect of a mediation agreement")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("Judicial confirmation of an agreement")
    SHAM_MEDIATION = "sham_mediation", _("The warning against sham mediation")


class RightsNotice(models.Model):
    """The record that parties were told, before mediation, their rights and duties, the
    procedure, the effect of an agreement and judicial confirmation, and were warned
    against sham mediation (特邀调解规定 art 14)."""

    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="rights_notices",
    )
    parties = models.ManyToManyField(
        "mediation.CaseParty", verbose_name=_("parties told"), related_name="rights_notices"
    )
    items = models.JSONField(_("what they were told"), default=list)
    channel = models.CharField(_("how"), max_length=10, choices=NoticeChannel.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("rights notice")
        verbose_name_plural = _("rights notices")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.case} {self.recorded_at:%Y-%m-%d}"
