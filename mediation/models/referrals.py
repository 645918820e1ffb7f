"""Court referrals (诉调对接): delegation (委派) before filing, entrustment (委托) after.

A referral holds what the court sent and what came back; its case (``Case``, channel
COURT) holds the parties and the claim, so nothing is typed twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReferralKind(models.TextChoices):
    DELEGATION = "delegation", _("Delegation (before filing)")
    ENTRUSTMENT = "entrustment", _("Entrustment (after filing)")


class Procedure(models.TextChoices):
    NONE = "", _("Not filed yet")
    ORDINARY = "ordinary", _("Ordinary procedure")
    SIMPLE = "simple", _("Simple procedure")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the centre")
    CONSENT = "consent", _("Awaiting the parties' consent")
    CONTACTING = "contacting", _("Contacting the other party")
    CHOOSING = "choosing", _("Choosing the mediator")
    DESIGNATED = "designated", _("Awaiting the mediator's answer")
    MEDIATING = "mediating", _("In mediation")
    SUSPENDED = "suspended", _("Suspended: suspected sham mediation")
    AGREED = "agreed", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")
    RETURNED = "returned", _("Returned to the court")
    REGISTERED = "registered", _("Registered by the court")


class CourtDecision(models.TextChoices):
    NONE = "", _("No decision yet")
    ACCEPTED = "accepted", _("Application accepted")
    CONFIRMED = "confirmed", _("Agreement confirmed")
    REJECTED = "rejected", _("Confirmation refused")


class Referral(models.Model):
    case = models.OneToOneField(
        "mediation.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referral"
    )
    court = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("referring court"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    centre = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("receiving centre"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReferralKind.choices)
    procedure = models.CharField(
        _("procedure"), max_length=8, choices=Procedure.choices, blank=True, default=""
    )
    claim = models.TextField(_("claim"))
    one_party_application = models.BooleanField(_("applied for by one party"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    return_reason = models.TextField(_("reason for return"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    # Choosing the mediator: the parties jointly, else the rotation (特邀调解规定 art 12).
    choose_by = models.DateField(_("parties choose by"), null=True, blank=True)
    contact_by = models.DateField(_("other party contacted by"), null=True, blank=True)
    proposed_mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_by = models.DateField(_("mediator answers by"), null=True, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The clock: from the mediator's acceptance; appraisal time does not count.
    clock_started_on = models.DateField(_("clock started on"), null=True, blank=True)
    due_on = models.DateField(_("mediation due on"), null=True, blank=True)
    overdue_escalated_at = models.DateTimeField(_("overdue escalated at"), null=True, blank=True)
    # Success.
    agreed_on = models.DateField(_("agreement made on"), null=True, blank=True)
    confirmation_applied_on = models.DateField(
        _("judicial confirmation applied for on"), null=True, blank=True
    )
    court_decision = models.CharField(
        _("court's decision"), max_length=10, choices=CourtDecision.choices, blank=True, default=""
    )
    court_decided_at = models.DateTimeField(_("court decided at"), null=True, blank=True)
    # Failure (在线调解规则 arts 21–22).
    termination_reasons = models.TextField(_("reasons for termination"), blank=True)
    cost_conduct = models.TextField(_("conduct that raised costs"), blank=True)
    undisputed_facts = models.TextField(_("undisputed facts"), blank=True)
    court_case_number = models.CharField(_("court's case number"), max_length=60, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    sham_note = models.TextField(_("suspected sham mediation"), blank=True)

    class Meta:
        verbose_name = _("court referral")
        verbose_name_plural = _("court referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["court", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_id}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ReferralStatus.MEDIATING
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class DocumentKind(models.TextChoices):
    MATERIAL = "material", _("Case material")
    CONSENT = "consent", _("Parties' written consent")
    RECORD = "record", _("Record")


class ReferralDocument(models.Model):
    """An upload kept under MEDIA_ROOT and served only to those who may see the case."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="referrals/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class MediatorAnswer(models.Model):
    """A designated mediator's answer, with any declared conflict (回避)."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="answers"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted = models.BooleanField(_("accepted"), null=True)
    reason = models.TextField(_("reason"), blank=True)
    conflict = models.TextField(_("declared conflict"), blank=True)
    consent = models.ForeignKey(
        ReferralDocument,
        verbose_name=_("parties' written consent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("mediator's answer")
        verbose_name_plural = _("mediators' answers")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.mediator}: {self.accepted}"


class ClockExtension(models.Model):
    """An extension of the mediation period that both parties agreed to."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("clock extension")
        verbose_name_plural = _("clock extensions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"+{self.days}"


class Appraisal(models.Model):
    """An appraisal (鉴定): its days do not count against the mediation period."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="appraisals"
    )
    subject = models.CharField(_("subject"), max_length=200)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["started_on", "id"]

    def __str__(self):
        return self.subject
