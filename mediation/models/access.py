"""Who may see a case beyond its organisations, and who has seen a person's data.

One-off shares are django-guardian object permissions on direct foreign-key tables
(``CaseUserObjectPermission``, ``CaseGroupObjectPermission``), never the generic ones.
Each row is one share of the model's own ``view_case`` permission and carries the
director's reason.

A share to an organisation goes to the organisation's guardian group
(``OrganisationGroup``). The group has no users of its own: who belongs to the
organisation is read from the posts (``Membership``) at the time of each request, so a
person who leaves the organisation loses the share at once, and no second list of
members can drift from the first.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class OrganisationGroup(models.Model):
    """The guardian group that stands for one organisation in object permissions."""

    organisation = models.OneToOneField(
        "mediation.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="share_group",
    )
    group = models.OneToOneField(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="organisation_link"
    )

    class Meta:
        verbose_name = _("organisation's group")
        verbose_name_plural = _("organisations' groups")

    def __str__(self):
        return str(self.organisation)


class _ShareFields(models.Model):
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        abstract = True


class CaseUserObjectPermission(UserObjectPermissionBase, _ShareFields):
    """A one-off share of a case with one user."""

    content_object = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="user_shares",
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case share with a user")
        verbose_name_plural = _("case shares with users")

    def __str__(self):
        return f"{self.content_object_id} → {self.user_id}"


class CaseGroupObjectPermission(GroupObjectPermissionBase, _ShareFields):
    """A one-off share of a case with an organisation, through its group."""

    content_object = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="group_shares",
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("case share with an organisation")
        verbose_name_plural = _("case shares with organisations")

    def __str__(self):
        return f"{self.content_object_id} → {self.group_id}"


class PersonalDataAccess(models.Model):
    """One page that showed a person's unmasked ID number or phone number (PIPL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="personal_data_accesses",
    )
    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="personal_data_accesses",
    )
    person = models.ForeignKey(
        "mediation.Person",
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="data_accesses",
    )
    fields = models.JSONField(_("fields shown"), default=list)
    page = models.CharField(_("page"), max_length=100, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "at"]),
            models.Index(fields=["person", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} → {self.person_id} {self.fields}"
