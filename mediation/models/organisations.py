from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    DISTRICT_CENTRE = "district_centre", _("District mediation centre")
    STREET_CENTRE = "street_centre", _("Street mediation centre")
    COMMITTEE = "residents_committee", _("Residents' or villagers' committee")
    GRID = "grid", _("Grid")
    COURT = "court", _("Court")
    COURT_MEDIATION_CENTRE = "court_mediation_centre", _("Litigation-mediation centre")
    POLICE_STATION = "police_station", _("Police station")
    JUSTICE_BUREAU = "justice_bureau", _("Justice bureau")
    JUSTICE_OFFICE = "justice_office", _("Justice office")
    MEDIATION_COMMITTEE = "mediation_committee", _("People's mediation committee")
    PETITION_BUREAU = "petition_bureau", _("Petition bureau")
    INVITED_ORGANISATION = "invited_organisation", _("Invited mediation organisation")
    DEPARTMENT = "department", _("Functional department")


# The kinds that keep their own case register, and so their own case numbers.
CENTRE_KINDS = (OrgKind.DISTRICT_CENTRE, OrgKind.STREET_CENTRE)


class Role(models.TextChoices):
    CENTRE_STAFF = "centre_staff", _("Centre staff")
    CENTRE_DIRECTOR = "centre_director", _("Centre director")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    MEDIATOR = "mediator", _("Mediator")
    RESPONSIBLE_LEADER = "responsible_leader", _("Responsible leader")
    COURT_CLERK = "court_clerk", _("Court clerk")
    JUDGE = "judge", _("Judge")
    POLICE_OFFICER = "police_officer", _("Police officer")
    JUSTICE_STAFF = "justice_staff", _("Justice staff")
    PETITION_STAFF = "petition_staff", _("Petition staff")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")


def line_paths(path: str) -> list[str]:
    """The paths from the root down to ``path`` itself: ``/a/b/`` gives ``/a/``, ``/a/b/``."""
    codes = [code for code in path.strip("/").split("/") if code]
    return ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]


class Organisation(models.Model):
    """One body in the district tree: district → street → community → grid.

    ``path`` holds the codes from the root down, so that a subtree is one indexed
    prefix match (``path__startswith``) rather than a recursive query.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(
        _("short name"),
        max_length=20,
        blank=True,
        help_text=_("Used in case numbers, for example 经开 in （2026）经开调字第00042号."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @property
    def is_centre(self) -> bool:
        return self.kind in CENTRE_KINDS

    def is_within(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)

    def line(self) -> list[str]:
        """The paths of this organisation and of every one above it, the root's first."""
        return line_paths(self.path)


class Membership(models.Model):
    """A user's post at an organisation, with the role they hold there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
