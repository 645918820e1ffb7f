"""The records the five diagnoses keep (五诊机制), and the notices they send.

巡诊 patrol: ``PatrolSchedule``, ``PatrolRound``, ``PatrolFinding``.
问诊 consultation: ``HomeVisit`` (the priority and the specialist are on the case).
会诊 joint consultation: ``JointConsultation``, ``DepartmentSummons``.
专诊 leader case: ``LeaderCase``, ``ProgressReport``.
复诊 follow-up: ``ReturnVisit``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notifications import NotificationEvent

_USER = settings.AUTH_USER_MODEL


class Notification(models.Model):
    """A notice to an organisation's staff, or to one user: an escalation, a missed report."""

    organisation = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    user = models.ForeignKey(
        _USER,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=300)
    # What it is about; a service's own notice (an escalation, a missed report) is NOTICE.
    event = models.CharField(
        _("event"),
        max_length=24,
        choices=NotificationEvent.choices,
        default=NotificationEvent.NOTICE,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(user__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self):
        return self.text


# 巡诊 patrol


class PatrolSchedule(models.Model):
    """How often a community is patrolled; the next round is due on ``next_due``."""

    community = models.OneToOneField(
        "mediation.Organisation",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="patrol_schedule",
    )
    every_days = models.PositiveSmallIntegerField(_("every (days)"), default=7)
    next_due = models.DateField(_("next round due"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("patrol schedule")
        verbose_name_plural = _("patrol schedules")

    def __str__(self):
        return f"{self.community} / {self.every_days}"


class PatrolKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    AD_HOC = "ad_hoc", _("Ad hoc")


class PatrolRound(models.Model):
    """One round of a community (巡诊), scheduled or ad hoc."""

    community = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="patrol_rounds",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PatrolKind.choices)
    planned_for = models.DateField(_("planned for"))
    started_by = models.ForeignKey(
        _USER,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    patroller = models.ForeignKey(
        _USER,
        verbose_name=_("patroller"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patrol_rounds",
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        ordering = ["-planned_for", "-id"]

    def __str__(self):
        return f"{self.community} {self.planned_for}"


class PatrolFinding(models.Model):
    """A matter seen on a round; it can open a case with the channel "patrol"."""

    round = models.ForeignKey(
        PatrolRound,
        verbose_name=_("patrol round"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    case = models.OneToOneField(
        "mediation.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patrol_finding",
    )

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["id"]

    def __str__(self):
        return self.description[:40]


# 问诊 consultation


class HomeVisit(models.Model):
    """A visit to a party at home, for a party who cannot easily come in (上门问诊)."""

    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="home_visits",
    )
    party = models.ForeignKey(
        "mediation.CaseParty",
        verbose_name=_("party"),
        on_delete=models.CASCADE,
        related_name="home_visits",
    )
    visit_on = models.DateField(_("visit on"))
    address = models.CharField(_("address"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    visitor = models.ForeignKey(
        _USER, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="home_visits"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["visit_on", "id"]

    def __str__(self):
        return f"{self.case} {self.visit_on}"


# 会诊 joint consultation


class JointConsultation(models.Model):
    """Departments summoned together on one case (吹哨报到), ending in a joint plan."""

    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="joint_consultations",
    )
    reason = models.TextField(_("reason for summoning"))
    summoned_by = models.ForeignKey(
        _USER,
        verbose_name=_("summoned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summoned_at = models.DateTimeField(_("summoned at"), default=timezone.now)
    plan = models.TextField(_("joint plan"), blank=True)
    planned_at = models.DateTimeField(_("plan made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint consultation")
        verbose_name_plural = _("joint consultations")
        ordering = ["-summoned_at", "-id"]

    def __str__(self):
        return f"{self.case} {self.summoned_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.planned_at is None


class DepartmentSummons(models.Model):
    """One department's part in a joint consultation: it reports in with an opinion (报到)."""

    consultation = models.ForeignKey(
        JointConsultation,
        verbose_name=_("joint consultation"),
        on_delete=models.CASCADE,
        related_name="summonses",
    )
    department = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="summonses",
    )
    due_on = models.DateField(_("report in by"))
    opinion = models.TextField(_("opinion"), blank=True)
    reported_by = models.ForeignKey(
        _USER,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    answered_by_director = models.BooleanField(_("answered by the director"), default=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)

    class Meta:
        verbose_name = _("department summons")
        verbose_name_plural = _("department summonses")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "department"], name="summons_once_per_department"
            )
        ]

    def __str__(self):
        return f"{self.consultation_id}/{self.department}"


# 专诊 leader case


class LeaderCase(models.Model):
    """A hard case owned to the end by a responsible leader (包保领导)."""

    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="leader_cases",
    )
    leader = models.ForeignKey(
        _USER,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    appointed_by = models.ForeignKey(
        _USER,
        verbose_name=_("appointed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appointed_at = models.DateTimeField(_("appointed at"), default=timezone.now)
    plan = models.TextField(_("resolution plan"), blank=True)
    plan_approved_at = models.DateTimeField(_("plan approved at"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    sign_off_note = models.TextField(_("sign-off note"), blank=True)

    class Meta:
        verbose_name = _("leader case")
        verbose_name_plural = _("leader cases")
        ordering = ["-appointed_at", "-id"]

    def __str__(self):
        return f"{self.case} / {self.leader}"


class ProgressReport(models.Model):
    """A report the handler owes the leader on a fixed cycle; ``filed_at`` empty means owed."""

    leader_case = models.ForeignKey(
        LeaderCase,
        verbose_name=_("leader case"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    due_on = models.DateField(_("due on"))
    text = models.TextField(_("progress"), blank=True)
    filed_by = models.ForeignKey(
        _USER,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    missed = models.BooleanField(_("missed"), default=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.leader_case_id} {self.due_on}"


# 复诊 follow-up


class ReturnVisitResult(models.TextChoices):
    STABLE = "stable", _("Stable")
    RECURRED = "recurred", _("Recurred")


class ReturnVisit(models.Model):
    """The return visit (回访) to a closed case; a recurred dispute opens a new case."""

    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="return_visits",
    )
    due_on = models.DateField(_("visit due on"))
    result = models.CharField(
        _("result"), max_length=10, choices=ReturnVisitResult.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    visitor = models.ForeignKey(
        _USER,
        verbose_name=_("visitor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    new_case = models.OneToOneField(
        "mediation.Case",
        verbose_name=_("new case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recurred_from_visit",
    )

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.case} {self.due_on}"
