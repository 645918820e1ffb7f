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
    # A failed or returned entrustment (委托): the case was filed, its trial goes on.
    TRIAL = "trial", _("Trial resumed at the court")


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
    # Nobody on duty fits: the centre designates one itself within 3 working days.
    designate_by = models.DateField(_("centre designates by"), null=True, blank=True)
    designation_late_at = models.DateTimeField(
        _("late designation alerted at"), null=True, blank=True
    )
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
    trial_resumed_at = models.DateTimeField(_("trial resumed at"), null=True, blank=True)

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


class ConsentAnswer(models.TextChoices):
    CONSENTED = "consented", _("Consents to mediation")
    REFUSED = "refused", _("Refuses mediation")
    UNREACHED = "unreached", _("Could not be reached")


class PartyConsent(models.Model):
    """One party's answer to the referral (特邀调解规定 art 11); a refusal, or a party who
    cannot be reached, sends the referral back to the court (人民调解法 art 17)."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="consents"
    )
    party = models.ForeignKey(
        "mediation.CaseParty",
        verbose_name=_("party"),
        on_delete=models.CASCADE,
        related_name="referral_consents",
    )
    answer = models.CharField(_("answer"), max_length=10, choices=ConsentAnswer.choices)
    answered_on = models.DateField(_("answered on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("party's consent")
        verbose_name_plural = _("parties' consent")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "party"], name="referral_consent_once")
        ]

    def __str__(self):
        return f"{self.party_id}: {self.answer}"


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
    """An extension of the mediation period that every party agreed to, kept as a record."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="extensions"
    )
    agreed_on = models.DateField(_("parties agreed on"))
    days = models.PositiveSmallIntegerField(_("days"))
    parties = models.ManyToManyField(
        "mediation.CaseParty", verbose_name=_("parties who agreed"), related_name="+"
    )
    consent_note = models.TextField(_("how the parties agreed"), blank=True)
    reason = models.TextField(_("reason"))
    due_before = models.DateField(_("period ended on"), null=True)
    due_after = models.DateField(_("period now ends on"), null=True)
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


class RecusalKind(models.TextChoices):
    CONFLICT = "conflict", _("The mediator declared a conflict")
    PARTY_REQUEST = "party", _("A party asked for another mediator")


class Recusal(models.Model):
    """A mediator's withdrawal (回避) during mediation, or a declared conflict that both
    parties consented in writing to overlook (``kept``)."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="recusals"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RecusalKind.choices)
    reason = models.TextField(_("reason"))
    consent = models.ForeignKey(
        ReferralDocument,
        verbose_name=_("parties' written consent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kept = models.BooleanField(_("kept with the parties' consent"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.mediator}: {self.kind}"


class SuspensionDecision(models.TextChoices):
    NONE = "", _("Awaiting the court")
    RESUMED = "resumed", _("Mediation resumed")
    ENDED = "ended", _("The court took the case back")


class Suspension(models.Model):
    """Mediation suspended for suspected sham mediation (虚假调解) until the court decides;
    if it resumes, the suspended days do not count against the period."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="suspensions"
    )
    note = models.TextField(_("what suggests a sham mediation"))
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_on = models.DateField(_("suspended on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    decision = models.CharField(
        _("court's decision"),
        max_length=8,
        choices=SuspensionDecision.choices,
        blank=True,
        default="",
    )
    decision_note = models.TextField(_("court's reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["started_on", "id"]

    def __str__(self):
        return f"{self.started_on}–{self.ended_on or ''}"
