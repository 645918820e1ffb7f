from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DisputeType(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbour")
    FAMILY = "family", _("Marriage and family")
    LABOUR = "labour", _("Labour and wages")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    LAND_HOUSING = "land_housing", _("Land and housing")
    CONSTRUCTION = "construction", _("Construction")
    CONSUMER = "consumer", _("Consumer")
    TRAFFIC = "traffic", _("Traffic")
    MEDICAL = "medical", _("Medical")
    DEBT = "debt", _("Debt")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    GRID = "grid", _("Grid worker report")
    HOTLINE = "hotline_12345", _("12345 hotline")
    POLICE = "police_110", _("Police 110 referral")
    PETITION = "petition", _("Petition referral")
    COURT = "court", _("Court referral")
    ONLINE = "online", _("Party's online application")
    PATROL = "patrol", _("Patrol")


class Tier(models.TextChoices):
    """How hard a matter is; the tier decides the level that handles it."""

    MICRO = "micro", _("Micro: the grid")
    SMALL = "small", _("Small: the community or village")
    MEDIUM = "medium", _("Medium: the street centre")
    HARD = "hard", _("Hard: the district centre")


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    MEDIATING = "mediating", _("In mediation")
    VERIFYING = "verifying", _("Awaiting verification")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")
    REDIRECTED = "redirected", _("Redirected")
    MERGED = "merged", _("Merged")


# States in which nothing is pending, so no deadline can be missed.
FINAL_STATUSES = (
    CaseStatus.CLOSED,
    CaseStatus.REJECTED,
    CaseStatus.REDIRECTED,
    CaseStatus.MERGED,
)


class Outcome(models.TextChoices):
    NONE = "", _("None yet")
    AGREEMENT = "agreement", _("Agreement")
    TERMINATED = "terminated", _("Terminated")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    THIRD_PARTY = "third_party", _("Third party")


class CaseNumberSequence(models.Model):
    """The last number a centre has issued in a year; locked while a number is taken."""

    centre = models.ForeignKey("mediation.Organisation", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "year"], name="case_sequence_unique")
        ]

    def __str__(self):
        return f"{self.centre_id}/{self.year}: {self.last_serial}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=40, unique=True)
    centre = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("registering centre"),
        on_delete=models.PROTECT,
        related_name="registered_cases",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    title = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"))
    dispute_type = models.CharField(_("dispute type"), max_length=24, choices=DisputeType.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REPORTED
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=Outcome.NONE
    )
    amount = models.DecimalField(
        _("amount in dispute (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    grid = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_cases",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    handling_org = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("handling organisation"),
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    is_priority = models.BooleanField(
        _("priority"),
        default=False,
        help_text=_("A party belongs to a special group, so the case goes first (问诊)."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateField(_("due date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediated_cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    reopened_from = models.ForeignKey(
        "self",
        verbose_name=_("reopened from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reopened_cases",
        help_text=_("The closed case whose dispute recurred (复诊)."),
    )
    # The intake form's one-time token: a second submission of the same form finds
    # the case the first one made instead of making another.
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "year", "serial"], name="case_serial_unique")
        ]
        indexes = [
            models.Index(fields=["handling_org", "-reported_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["-reported_at", "-id"]),
            # The case list's order: a wide list reads it in order and stops at a page.
            models.Index(fields=["-is_priority", "-reported_at", "-id"], name="case_list_order"),
            models.Index(fields=["grid"]),
            # The other cases at an address (the repeat warnings).
            models.Index(fields=["location"]),
            # A centre's cases handled elsewhere (the repeat warnings of a centre's staff).
            models.Index(
                fields=["centre", "handling_org", "reported_at"], name="case_centre_handling"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.localdate()


class CaseParty(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties"
    )
    person = models.ForeignKey(
        "mediation.Person",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="case_parties",
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    agent = models.ForeignKey(
        "mediation.Person",
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    agent_relation = models.CharField(_("agent's relation"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_party_unique")]

    def __str__(self):
        return f"{self.get_role_display()}：{self.person}"


class CaseRating(models.Model):
    """A party's rating of how a closed case was handled (考核评价)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="ratings"
    )
    party = models.ForeignKey(
        CaseParty, verbose_name=_("party"), on_delete=models.CASCADE, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("case rating")
        verbose_name_plural = _("case ratings")
        ordering = ["rated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="case_rating_once_per_party"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="case_rating_stars_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.case_id}/{self.party_id}: {self.stars}"
