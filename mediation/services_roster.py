"""Writes to the mediator roster (名册): profiles, duty shifts and sanctions.

Each service checks that the actor keeps the roster, makes the change and writes its
audit event in one transaction. Bad input raises ValidationError and changes nothing.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import selectors_roster
from .models import (
    AuditAction,
    DisputeType,
    MediatorProfile,
    MediatorStatus,
    Membership,
    Organisation,
    OrgKind,
    Role,
)
from .models.roster import DutyShift, Sanction, SanctionKind
from .services import audit_record

# The kinds of organisation a roster mediator may work for.
MEDIATOR_ORG_KINDS = (
    OrgKind.INVITED_ORGANISATION,
    OrgKind.MEDIATION_COMMITTEE,
    OrgKind.COURT_MEDIATION_CENTRE,
    OrgKind.DISTRICT_CENTRE,
    OrgKind.STREET_CENTRE,
    OrgKind.COMMITTEE,
)

# A sanction that takes the mediator off the rotation, and the status it leaves.
SANCTION_STATUS = {
    SanctionKind.SUSPENSION: MediatorStatus.SUSPENDED,
    SanctionKind.REMOVAL: MediatorStatus.REMOVED,
}


def _check_manager(actor) -> None:
    if not selectors_roster.user_may_manage_roster(actor):
        raise PermissionDenied(_("Only the centre keeps the roster."))


def _clean_profile(*, organisation, dispute_types, inviting_court) -> list[str]:
    if organisation.kind not in MEDIATOR_ORG_KINDS:
        raise ValidationError(
            {"organisation": _("A mediator works for a mediation organisation or a centre.")}
        )
    if inviting_court is not None and inviting_court.kind != OrgKind.COURT:
        raise ValidationError({"inviting_court": _("The inviting body must be a court.")})
    unknown = [t for t in dispute_types if t not in DisputeType.values]
    if unknown:
        raise ValidationError({"dispute_types": _("Choose dispute types from the list.")})
    return list(dict.fromkeys(dispute_types))


def mediator_register(
    *,
    actor,
    user,
    organisation: Organisation,
    dispute_types: Sequence[str] = (),
    specialties: str = "",
    scope: str = "",
    charges_fee: bool = False,
    inviting_court: Organisation | None = None,
    bio: str = "",
) -> MediatorProfile:
    """Put ``user`` on the roster as a mediator of ``organisation``, with a public profile."""
    _check_manager(actor)
    types = _clean_profile(
        organisation=organisation, dispute_types=dispute_types, inviting_court=inviting_court
    )
    with transaction.atomic():
        if MediatorProfile.objects.filter(user=user).exists():
            raise ValidationError(_("This person is already on the roster."))
        profile = MediatorProfile.objects.create(
            user=user,
            organisation=organisation,
            dispute_types=types,
            specialties=specialties.strip(),
            scope=scope.strip(),
            charges_fee=charges_fee,
            inviting_court=inviting_court,
            is_invited=inviting_court is not None,
            bio=bio.strip(),
        )
        Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.MEDIATOR)
        audit_record(
            action=AuditAction.MEDIATOR_REGISTERED,
            actor=actor,
            mediator=user.get_username(),
            organisation=organisation.code,
        )
    return profile


def mediator_profile_update(
    *,
    actor,
    profile: MediatorProfile,
    dispute_types: Sequence[str],
    specialties: str,
    scope: str,
    charges_fee: bool,
    inviting_court: Organisation | None,
    bio: str,
) -> MediatorProfile:
    """Change the public fields of a profile; its status changes only by sanction."""
    _check_manager(actor)
    types = _clean_profile(
        organisation=profile.organisation,
        dispute_types=dispute_types,
        inviting_court=inviting_court,
    )
    with transaction.atomic():
        profile = MediatorProfile.objects.select_for_update().get(pk=profile.pk)
        profile.dispute_types = types
        profile.specialties = specialties.strip()
        profile.scope = scope.strip()
        profile.charges_fee = charges_fee
        profile.inviting_court = inviting_court
        profile.is_invited = inviting_court is not None
        profile.bio = bio.strip()
        profile.save()
        audit_record(
            action=AuditAction.MEDIATOR_PROFILE_UPDATED,
            actor=actor,
            mediator=profile.user.get_username(),
        )
    return profile


def duty_shift_set(*, actor, mediator, day: datetime.date, note: str = "") -> DutyShift:
    """Put a roster mediator on duty on ``day`` (轮值); setting it twice changes nothing."""
    _check_manager(actor)
    profile = MediatorProfile.objects.filter(user=mediator).first()
    if profile is None:
        raise ValidationError({"mediator": _("Only a mediator on the roster can be on duty.")})
    if profile.status != MediatorStatus.ACTIVE:
        raise ValidationError(
            {"mediator": _("A suspended or removed mediator cannot be put on duty.")}
        )
    with transaction.atomic():
        shift, created = DutyShift.objects.get_or_create(
            mediator=mediator, day=day, defaults={"note": note.strip(), "set_by": actor}
        )
        if created:
            audit_record(
                action=AuditAction.DUTY_SHIFT_SET,
                actor=actor,
                mediator=mediator.get_username(),
                day=day.isoformat(),
            )
    return shift


def duty_shift_remove(*, actor, shift: DutyShift) -> None:
    _check_manager(actor)
    with transaction.atomic():
        username, day = shift.mediator.get_username(), shift.day
        DutyShift.objects.filter(pk=shift.pk).delete()
        audit_record(
            action=AuditAction.DUTY_SHIFT_REMOVED,
            actor=actor,
            mediator=username,
            day=day.isoformat(),
        )


def sanction_impose(*, actor, profile: MediatorProfile, kind: str, reason: str) -> Sanction:
    """Record a sanction. A suspension or a removal takes the mediator off the rotation
    at once, and a removal takes their future duty shifts away too."""
    _check_manager(actor)
    if kind not in SanctionKind.values:
        raise ValidationError({"kind": _("Choose a sanction.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the sanction.")})
    with transaction.atomic():
        profile = MediatorProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.status == MediatorStatus.REMOVED:
            raise ValidationError(_("This mediator has already been removed from the roster."))
        sanction = Sanction.objects.create(
            profile=profile, kind=kind, reason=reason, imposed_by=actor
        )
        if kind in SANCTION_STATUS:
            profile.status = SANCTION_STATUS[kind]
            profile.save(update_fields=["status"])
        if kind == SanctionKind.REMOVAL:
            DutyShift.objects.filter(
                mediator=profile.user, day__gte=sanction.imposed_at.date()
            ).delete()
        audit_record(
            action=AuditAction.MEDIATOR_SANCTIONED,
            actor=actor,
            mediator=profile.user.get_username(),
            kind=kind,
            reason=reason,
        )
    return sanction
