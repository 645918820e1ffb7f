"""Referrals from the police (公调对接) and the petition bureau (访调对接).

Each referral makes an ordinary case (through ``services.case_report``) and keeps, beside
it, what the referring body needs: who sent it, the clocks it runs on, and the result
that goes back.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import CaseStatus

# A referred case being handled: accepted, dispatched or in mediation. The centre may
# still send it back to the body that referred it (a hand-back, an objection); before
# acceptance that is the review's decision, after an outcome it is too late.
HANDLING_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.MEDIATING)
RETURNABLE_STATUSES = (CaseStatus.REPORTED, *HANDLING_STATUSES)


class PoliceReferral(models.Model):
    """A 110 call that is not a police matter, referred by a police station to a centre."""

    case = models.OneToOneField(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="police_referral",
    )
    station = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="police_referrals",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("police officer"),
        on_delete=models.PROTECT,
        related_name="police_referrals",
    )
    incident_at = models.DateTimeField(_("time of the incident"))
    location = models.CharField(_("location"), max_length=200)
    account = models.TextField(_("what happened"))
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    accept_by = models.DateTimeField(_("to be accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    late_at = models.DateTimeField(
        _("escalated as late at"),
        null=True,
        blank=True,
        help_text=_("Not accepted within 24 hours: the centre's director was told."),
    )
    handed_back_at = models.DateTimeField(_("handed back at"), null=True, blank=True)
    hand_back_reason = models.TextField(_("reason for handing back"), blank=True)

    class Meta:
        verbose_name = _("police referral")
        verbose_name_plural = _("police referrals")
        ordering = ["-referred_at", "-id"]

    def __str__(self):
        return f"{self.station} → {self.case}"

    @property
    def is_late(self) -> bool:
        return self.late_at is not None

    @property
    def may_hand_back(self) -> bool:
        """Whether the case can still go back to the station (the case is loaded)."""
        return self.handed_back_at is None and self.case.status in RETURNABLE_STATUSES


class PetitionReferral(models.Model):
    """A civil petition (申诉求决类) transferred to mediation with the parties' consent."""

    case = models.OneToOneField(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="petition_referral",
    )
    bureau = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("petition bureau"),
        on_delete=models.PROTECT,
        related_name="petition_referrals",
    )
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transferred by"),
        on_delete=models.PROTECT,
        related_name="petition_referrals",
    )
    petition_number = models.CharField(_("petition number"), max_length=40)
    registered_on = models.DateField(_("registered on"))
    transferred_on = models.DateField(_("transferred on"))
    consent = models.BooleanField(_("the parties consent to mediation"), default=False)
    consented_by = models.CharField(_("consent given by"), max_length=200)
    objection_by = models.DateField(_("objection possible until"))
    objected_at = models.DateTimeField(_("objected at"), null=True, blank=True)
    objection_reason = models.TextField(_("reason for the objection"), blank=True)
    handle_by = models.DateField(_("to be handled by"))
    extended_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    extension_notice = models.TextField(_("notice to the petitioner"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("reported overdue at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=12, blank=True)
    result_recorded_at = models.DateTimeField(_("result sent back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("petition referral")
        verbose_name_plural = _("petition referrals")
        ordering = ["-transferred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "petition_number"], name="petition_referral_number_unique"
            )
        ]

    def __str__(self):
        return self.petition_number

    @property
    def objection_open(self) -> bool:
        """Whether the centre can still object today (art 23; the case is loaded)."""
        return (
            self.objected_at is None
            and timezone.localdate() <= self.objection_by
            and self.case.status in RETURNABLE_STATUSES
        )

    @property
    def may_extend(self) -> bool:
        """Whether the handling period can still be extended (art 34; the case is loaded)."""
        return (
            self.extended_at is None
            and self.case.is_open
            and timezone.localdate() <= self.handle_by
        )
