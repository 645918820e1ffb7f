"""The mediator roster (名册): duty rotation (轮值) and sanctions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DutyShift(models.Model):
    """A mediator on duty on one day; the rotation picks among those on duty."""

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        on_delete=models.CASCADE,
        related_name="duty_shifts",
    )
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["day", "mediator_id"]
        constraints = [
            models.UniqueConstraint(fields=["mediator", "day"], name="duty_shift_once_a_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.mediator}"


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    SUSPENSION = "suspension", _("Suspension")
    REMOVAL = "removal", _("Removal from the roster")


class Sanction(models.Model):
    """A sanction on a roster mediator (特邀调解规定: warning, notice, removal)."""

    profile = models.ForeignKey(
        "mediation.MediatorProfile",
        verbose_name=_("mediator"),
        on_delete=models.CASCADE,
        related_name="sanctions",
    )
    kind = models.CharField(_("sanction"), max_length=16, choices=SanctionKind.choices)
    reason = models.TextField(_("reason"))
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imposed_at = models.DateTimeField(_("imposed at"), default=timezone.now)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-imposed_at", "-id"]

    def __str__(self):
        return f"{self.profile} · {self.get_kind_display()}"
