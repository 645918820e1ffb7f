"""The portal's keys: links sent to a party, and one-time codes sent to their phone.

A link's token is random (``secrets.token_urlsafe``) and only its SHA-256 is kept; the
link itself is only in the message the party received. A code is six digits, kept as
an HMAC keyed by the site's secret and salted with its link, so that neither a copy of
the database nor another link's code opens it. Messages go out after the transaction
commits; a gateway that fails raises ``DeliveryFailed`` for the page to say so.
"""

import datetime
import hashlib
import hmac
import logging
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.models import Document, OneTimeCode, PortalLink
from mediation import access, sms
from mediation.models import AuditAction, CaseParty
from mediation.personal_data import mask
from mediation.services import audit_record

logger = logging.getLogger(__name__)

SMS, EMAIL = "sms", "email"
CHANNELS = (SMS, EMAIL)
CODE_DIGITS = 6


class DeliveryFailed(Exception):
    """The SMS gateway or the mail server did not take the message."""


def _portal(key: str):
    return settings.PORTAL[key]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def code_hash(link: PortalLink, code: str) -> str:
    """The stored form of ``code``: keyed by the site's secret, salted with its link."""
    message = f"{link.pk}:{link.token_sha256}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def portal_url(token: str) -> str:
    return f"{settings.SITE_URL}/portal/{quote(token)}/"


def _after_commit(send) -> None:
    def deliver():
        try:
            send()
        except Exception as exc:
            logger.exception("Portal message not delivered")
            raise DeliveryFailed(str(exc)) from exc

    transaction.on_commit(deliver)


# Links.


def portal_link_send(*, party: CaseParty, channel: str = SMS, actor) -> PortalLink:
    """Send ``party`` a link to the portal by SMS or email, in the site's language.

    Only staff who may write the case send one (404 for a case they do not see, 403 for
    one they only read). The party must have a mobile phone, where the code that opens
    the portal goes; by email, also an email address.
    """
    case = access.access_case(actor, party.case_id, for_write=True)
    person = party.person
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("Send the link by SMS or by email.")})
    if not person.phone:
        raise ValidationError(
            _("%(name)s has no phone number: the code that opens the portal is sent to a phone.")
            % {"name": person.name}
        )
    phone = sms.normalise_phone(person.phone)
    if channel == EMAIL and not person.email:
        raise ValidationError(
            {"channel": _("%(name)s has no email address.") % {"name": person.name}}
        )
    sent_to = phone if channel == SMS else person.email
    token = secrets.token_urlsafe(32)
    days = _portal("LINK_DAYS")
    with transaction.atomic():
        link = PortalLink.objects.create(
            party=party,
            token_sha256=token_hash(token),
            channel=channel,
            sent_to=sent_to,
            created_by=actor,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        audit_record(
            action=AuditAction.PORTAL_LINK_SENT,
            actor=actor,
            case=case,
            party=person.name,
            channel=channel,
            sent_to=mask(sent_to),
            link=link.pk,
            expires_at=link.expires_at.isoformat(),
        )
        # The party reads it in the site's language (Chinese), whatever the staff's is.
        with translation.override(settings.LANGUAGE_CODE):
            text = _(
                "%(name)s, the page of your case %(number)s at %(organisation)s: %(url)s "
                "It works for %(days)d days; it asks for a code sent to your phone."
            ) % {
                "name": person.name,
                "number": case.number,
                "organisation": case.handling_org.name,
                "url": portal_url(token),
                "days": days,
            }
            subject = _("Your case %(number)s") % {"number": case.number}
        if channel == SMS:
            _after_commit(lambda: sms.send_sms(phone, text))
        else:
            _after_commit(lambda: mail.send_mail(subject, text, None, [person.email]))
    return link


def portal_link_revoke(*, link: PortalLink, actor) -> PortalLink:
    """The link stops working at once; a party holding it is told so."""
    access.access_case(actor, link.party.case_id, for_write=True)
    with transaction.atomic():
        link = PortalLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            audit_record(
                action=AuditAction.PORTAL_LINK_REVOKED,
                actor=actor,
                case=link.party.case,
                party=link.party.person.name,
                sent_to=link.sent_to,
            )
    return link


def link_problem(link: PortalLink | None) -> str:
    """Why ``link`` does not open the portal, in words for the party; "" if it does."""
    if link is None:
        return _("This link is not valid. Check that you opened the whole link from the message.")
    if link.revoked_at is not None:
        return _("This link was withdrawn. Ask the mediation centre for a new one.")
    if link.expires_at <= timezone.now():
        return _("This link has expired. Ask the mediation centre for a new one.")
    return ""


def portal_link_find(token: str) -> PortalLink | None:
    """The link of ``token``, usable or not; None for a token nobody was sent."""
    if not token or len(token) > 100:
        return None
    return (
        PortalLink.objects.select_related("party__person", "party__case")
        .filter(token_sha256=token_hash(token))
        .first()
    )


def _usable(link: PortalLink) -> None:
    if problem := link_problem(link):
        raise ValidationError(problem)


# One-time codes.


def portal_code_send(
    *, link: PortalLink, purpose: str = OneTimeCode.Purpose.LOGIN, document: Document | None = None
) -> OneTimeCode:
    """Send a new code to the link's party's phone: to open the portal, or to confirm
    a signature on ``document``. At most ``CODES_PER_HOUR`` per link in an hour."""
    if purpose not in OneTimeCode.Purpose.values:
        raise ValidationError(_("Unknown purpose for a code."))
    if (purpose == OneTimeCode.Purpose.SIGN) != (document is not None):
        raise ValidationError(_("A code to sign is for one document."))
    if document is not None and document.case_id != link.party.case_id:
        raise ValidationError(_("This document is not of your case."))
    now = timezone.now()
    with transaction.atomic():
        # The link's row serialises the count below against a second request.
        link = (
            PortalLink.objects.select_for_update().select_related("party__person").get(pk=link.pk)
        )
        _usable(link)
        phone = sms.normalise_phone(link.party.person.phone)
        hour_ago = now - datetime.timedelta(hours=1)
        recent = list(
            link.codes.filter(created_at__gt=hour_ago)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(recent) >= _portal("CODES_PER_HOUR"):
            again = timezone.localtime(recent[0] + datetime.timedelta(hours=1))
            raise ValidationError(
                _("Too many codes were sent in the last hour. Try again later, after %(time)s.")
                % {"time": again.strftime("%H:%M")}
            )
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        minutes = _portal("CODE_MINUTES")
        otc = OneTimeCode.objects.create(
            link=link,
            purpose=purpose,
            document=document,
            code_sha256=code_hash(link, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
        with translation.override(settings.LANGUAGE_CODE):
            if document is None:
                what = _("to open the page of your case")
            else:
                what = _("to sign %(number)s") % {"number": document.number}
            text = _(
                "Your code %(what)s is %(code)s. It works for %(minutes)d minutes. "
                "Do not tell it to anyone."
            ) % {"what": what, "code": code, "minutes": minutes}
        _after_commit(lambda: sms.send_sms(phone, text))
    return otc


def _consume(link: PortalLink, code: str, purpose: str, document=None):
    """Check ``code`` against the link's latest code of ``purpose``, counting the attempt.

    Returns ``(code row, None)`` when it matches, else ``(row or None, ValidationError)``
    to raise once the attempt is saved. Call inside a transaction.
    """
    latest = (
        OneTimeCode.objects.select_for_update()
        .filter(link=link, purpose=purpose, document=document)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.used_at is not None:
        return latest, ValidationError(_("Ask for a code first."))
    if latest.expires_at <= timezone.now():
        return latest, ValidationError(_("This code has expired. Ask for a new one."))
    allowed = _portal("CODE_ATTEMPTS")
    if latest.attempts >= allowed:
        return latest, ValidationError(
            _("Too many wrong attempts with this code. Ask for a new one.")
        )
    latest.attempts += 1
    given = (code or "").strip()
    matches = hmac.compare_digest(latest.code_sha256, code_hash(link, given))
    if matches:
        latest.used_at = timezone.now()
    latest.save(update_fields=["attempts", "used_at"])
    if matches:
        return latest, None
    left = allowed - latest.attempts
    if left <= 0:
        return latest, ValidationError(
            _("The code is wrong, and it cannot be tried again. Ask for a new one.")
        )
    return latest, ValidationError(
        _("The code is wrong. You may try %(left)d more times.") % {"left": left}
    )


def portal_open(
    *, link: PortalLink, code: str, ip_address=None, user_agent: str = ""
) -> PortalLink:
    """The party confirms the code sent to their phone: the portal opens for them.

    A wrong code counts against the code's attempts; nothing else is written."""
    _usable(link)
    with transaction.atomic():
        _otc, error = _consume(link, code, OneTimeCode.Purpose.LOGIN)
        if error is None:
            audit_record(
                action=AuditAction.PORTAL_OPENED,
                actor=None,
                case=link.party.case,
                party=link.party.person.name,
                link=link.pk,
                ip_address=ip_address,
                user_agent=(user_agent or "")[:300],
            )
    if error is not None:
        raise error
    return link


def portal_code_confirm(*, link: PortalLink, code: str, document: Document, then):
    """Confirm a signature's code and run ``then()`` (the signature) in one transaction.

    A wrong code counts its attempt and raises; if ``then()`` refuses, the code stays
    unused, as if never given."""
    _usable(link)
    with transaction.atomic():
        _otc, error = _consume(link, code, OneTimeCode.Purpose.SIGN, document)
        if error is None:
            return then()
    raise error


__all__ = [
    "DeliveryFailed",
    "link_problem",
    "portal_code_confirm",
    "portal_code_send",
    "portal_link_find",
    "portal_link_revoke",
    "portal_link_send",
    "portal_open",
    "portal_url",
]
