"""Issuing, checking and revoking the calling systems' tokens.

Each token gets a service user of its own, posted at the token's organisation with the
role that organisation's staff hold (``ROLE_FOR_KIND``), so that every rule in
``mediation.access`` and in the services applies to a call as to that staff member.
"""

import dataclasses
import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import services
from mediation.models import Channel, Membership, Organisation, OrgKind, Role

from .models import ApiToken

# The role a token's service user holds, by the kind of its organisation: the role of
# the staff who work there (a court's clerk, who refers; a station's officer, ...).
ROLE_FOR_KIND = {
    OrgKind.DISTRICT_CENTRE: Role.CENTRE_STAFF,
    OrgKind.STREET_CENTRE: Role.CENTRE_STAFF,
    OrgKind.COMMITTEE: Role.COMMITTEE_STAFF,
    OrgKind.GRID: Role.GRID_WORKER,
    OrgKind.COURT: Role.COURT_CLERK,
    OrgKind.COURT_MEDIATION_CENTRE: Role.COURT_CLERK,
    OrgKind.POLICE_STATION: Role.POLICE_OFFICER,
    OrgKind.JUSTICE_BUREAU: Role.JUSTICE_STAFF,
    OrgKind.JUSTICE_OFFICE: Role.JUSTICE_STAFF,
    OrgKind.MEDIATION_COMMITTEE: Role.MEDIATOR,
    OrgKind.PETITION_BUREAU: Role.PETITION_STAFF,
    OrgKind.INVITED_ORGANISATION: Role.MEDIATOR,
    OrgKind.DEPARTMENT: Role.DEPARTMENT_LIAISON,
}
# The channels a call's intake may name; the referring bodies use their referral
# endpoints. A token's own channel, the default of its intakes, is one of them.
INTAKE_CHANNELS = (Channel.HOTLINE, Channel.ONLINE, Channel.WALK_IN, Channel.GRID)
# A token's channel unless it is issued with another: the hotline is a department.
CHANNEL_FOR_KIND = {OrgKind.DEPARTMENT: Channel.HOTLINE, OrgKind.GRID: Channel.GRID}
SECRET_PREFIX = "mdt_"
# Writing the last use on every call would make each read a write: once a minute is enough.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_issue(
    *,
    organisation: Organisation,
    name: str,
    actor=None,
    role: str = "",
    channel: str = "",
    secret: str = "",
) -> IssuedToken:
    """A new token for ``organisation`` and its service user. ``secret`` is for the demo
    only (a known value); otherwise a random one is made."""
    name = (name or "").strip()
    role = role or ROLE_FOR_KIND.get(organisation.kind, "")
    channel = channel or CHANNEL_FOR_KIND.get(organisation.kind, Channel.WALK_IN)
    errors = {}
    if not name:
        errors["name"] = _("Name the system that will use the token.")
    if role not in Role.values:
        errors["role"] = _("Choose a role.")
    if channel not in INTAKE_CHANNELS:
        errors["channel"] = _("Choose the channel the case came in by.")
    if errors:
        raise ValidationError(errors)
    secret = secret or SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        user = get_user_model().objects.create(
            username=f"api-{organisation.code}-{secrets.token_hex(4)}"[:150],
            first_name=name[:150],
            is_active=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        services.membership_grant(user=user, organisation=organisation, role=role, actor=actor)
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            secret_sha256=secret_hash(secret),
            prefix=secret[:12],
            user=user,
            role=role,
            channel=channel,
            created_by=actor,
        )
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    """The token stops working at once; its service user loses its post, so that it
    shows in no list of the organisation's staff."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            Membership.objects.filter(user=token.user).delete()
            token.user.is_active = False
            token.user.save(update_fields=["is_active"])
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, revoked or not; None for an unknown secret."""
    if not secret:
        return None
    return (
        ApiToken.objects.select_related("user", "organisation")
        .filter(secret_sha256=secret_hash(secret))
        .first()
    )


def token_touch(token: ApiToken) -> None:
    """Record that the token was used, at most once a minute."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
