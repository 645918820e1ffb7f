"""Writes about access: one-off shares of a case, and the log of unmasked personal data.

A share is a django-guardian object permission (``view_case``) on a direct foreign-key
table, granted or revoked only by a centre director of the case's district, always
with a reason, and audited in the same transaction. Revoking deletes the row, so the
next request no longer finds it; the audit trail keeps the history.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from . import access
from .models import (
    AuditAction,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Membership,
    Organisation,
    OrganisationGroup,
    PersonalDataAccess,
)
from .personal_data import MASKED, PersonalDataDisplay, shown_fields
from .services import audit_record

Share = CaseUserObjectPermission | CaseGroupObjectPermission


def view_case_permission() -> Permission:
    """The model's default view permission: the one permission a share grants."""
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Case), codename=access.VIEW_CASE
    )


def organisation_group(organisation: Organisation) -> Group:
    """The guardian group standing for ``organisation``; made on its first share.

    The group has no users: the selector reads who belongs to the organisation from
    the posts, so that nobody keeps a second list of members.
    """
    link = OrganisationGroup.objects.filter(organisation=organisation).select_related("group")
    if existing := link.first():
        return existing.group
    group, _created = Group.objects.get_or_create(name=f"organisation:{organisation.code}")
    OrganisationGroup.objects.get_or_create(organisation=organisation, defaults={"group": group})
    return group


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def _check_director(actor, case: Case) -> None:
    try:
        may_share = access.case_access(actor, case).may_share
    except Http404:
        may_share = False
    if not may_share:
        raise ValidationError(
            _("Only a director of a mediation centre in the case's district may share it.")
        )


def case_share_grant(
    *, case: Case, actor, reason: str, user=None, organisation: Organisation | None = None
) -> Share:
    """Share ``case`` once with a user or an organisation, with the director's reason."""
    reason = _reason(reason, _("Give the reason for sharing the case."))
    if (user is None) == (organisation is None):
        raise ValidationError(_("Share the case with one user or with one organisation."))
    _check_director(actor, case)
    if user is not None and not Membership.objects.filter(user=user).exists():
        raise ValidationError(
            {"user": _("A case can be shared only with staff who hold a post.")}
        )
    permission = view_case_permission()
    with transaction.atomic():
        try:
            with transaction.atomic():
                if user is not None:
                    share = CaseUserObjectPermission.objects.create(
                        content_object=case,
                        user=user,
                        permission=permission,
                        reason=reason,
                        granted_by=actor,
                    )
                else:
                    share = CaseGroupObjectPermission.objects.create(
                        content_object=case,
                        group=organisation_group(organisation),
                        permission=permission,
                        reason=reason,
                        granted_by=actor,
                    )
        except IntegrityError:
            raise ValidationError(_("The case is already shared with them.")) from None
        audit_record(
            action=AuditAction.CASE_SHARED,
            actor=actor,
            case=case,
            reason=reason,
            **_target(share),
        )
    return share


def case_share_revoke(*, share: Share, actor, reason: str) -> None:
    """End a share, with the director's reason; it holds no more from the next request."""
    reason = _reason(reason, _("Give the reason for revoking the share."))
    case = share.content_object
    _check_director(actor, case)
    with transaction.atomic():
        locked = type(share).objects.select_for_update().filter(pk=share.pk).first()
        if locked is None:
            raise ValidationError(_("The share has already been revoked."))
        target = _target(locked)
        locked.delete()
        audit_record(
            action=AuditAction.CASE_SHARE_REVOKED,
            actor=actor,
            case=case,
            reason=reason,
            **target,
        )


def _target(share: Share) -> dict:
    if isinstance(share, CaseUserObjectPermission):
        return {"user": share.user.get_username()}
    link = OrganisationGroup.objects.select_related("organisation").get(group_id=share.group_id)
    return {"organisation": link.organisation.code}


# Personal data (PIPL).


def personal_data_for(*, request, case_access, people) -> PersonalDataDisplay:
    """How the page shows ``people``'s ID and phone numbers on ``case_access``'s case.

    Masked unless the user handles or runs the case; then in full, and each person
    shown is written to the access log with the fields shown and the page, now.
    """
    if not case_access.unmasked:
        return MASKED
    rows = [
        PersonalDataAccess(
            user=request.user,
            case=case_access.case,
            person=person,
            fields=fields,
            page=_page(request),
            path=request.get_full_path()[:500],
        )
        for person in people
        if (fields := shown_fields(person))
    ]
    PersonalDataAccess.objects.bulk_create(rows)
    return PersonalDataDisplay(unmasked=True)


def _page(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "")[:100]


__all__ = [
    "case_share_grant",
    "case_share_revoke",
    "organisation_group",
    "personal_data_for",
    "view_case_permission",
]
