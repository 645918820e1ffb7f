from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _


class PersonKind(models.TextChoices):
    NATURAL = "natural", _("Natural person")
    LEGAL = "legal", _("Legal person or organisation")


class SpecialGroup(models.TextChoices):
    """The groups that consultation (问诊) serves first."""

    ELDERLY = "elderly", _("Elderly")
    DISABLED = "disabled", _("Person with disabilities")
    MINOR = "minor", _("Minor")
    VETERAN = "veteran", _("Veteran")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker")
    HARDSHIP = "hardship", _("In hardship")


def identity(prefix: str = "") -> Coalesce:
    """How a person is recognised across cases (the repeat warnings): their resident ID
    number, else their unified social credit code, else their phone number; None for a
    name alone, for two people can share a name. ``prefix`` reaches a person through
    relations ("parties__person__")."""
    return Coalesce(
        NullIf(f"{prefix}id_number", Value("")),
        NullIf(f"{prefix}credit_code", Value("")),
        NullIf(f"{prefix}phone", Value("")),
    )


class Person(models.Model):
    """A party or an agent: a natural person or a legal person."""

    kind = models.CharField(_("kind"), max_length=10, choices=PersonKind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    special_groups = models.JSONField(_("special groups"), default=list, blank=True)
    # A person who also has a login: a party on the portal, or a staff member, so
    # that a mediator who is a party to a case is never its handler.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # One record per identity: a returning party is found, not typed in again.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="person_unique_id_number",
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="person_unique_credit_code",
            ),
        ]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["phone"]),
            # The other cases of a party of a case (the repeat warnings).
            models.Index(identity(), name="person_identity"),
        ]

    def __str__(self):
        return self.name

    def get_special_groups_display(self) -> list[str]:
        return [str(SpecialGroup(g).label) for g in self.special_groups]


class MediatorStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed from the roster")


class MediatorProfile(models.Model):
    """A mediator's public profile on the roster (名册)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mediator_profile",
    )
    organisation = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="mediators",
        help_text=_("The mediation committee or invited organisation the mediator works for."),
    )
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    scope = models.CharField(
        _("scope of mediation"),
        max_length=200,
        blank=True,
        help_text=_("The kinds of matter and the area the mediator takes on."),
    )
    inviting_court = models.ForeignKey(
        "mediation.Organisation",
        verbose_name=_("inviting court"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invited_mediators",
        limit_choices_to={"kind": "court"},
    )
    dispute_types = models.JSONField(_("dispute types"), default=list, blank=True)
    charges_fee = models.BooleanField(_("charges a fee"), default=False)
    is_invited = models.BooleanField(_("invited by the court"), default=False)
    bio = models.TextField(_("profile"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MediatorStatus.choices, default=MediatorStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("mediator profile")
        verbose_name_plural = _("mediator profiles")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
