"""The SMS gateway, behind an interface the project owns.

``send_sms(phone, text)`` hands a message to the backend named by ``settings.SMS_BACKEND``
(a dotted path to an ``SmsBackend`` subclass). ``ConsoleBackend`` writes each message to
stdout and the log, for a laptop; ``LocmemBackend`` keeps them in ``outbox`` for tests.
A real gateway is one more subclass. The party portal sends its links and one-time
codes through here, and notifications may too.
"""

import logging
import re
import sys
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .validators import normalize_phone

logger = logging.getLogger(__name__)

# A mainland mobile number, once mediation.validators has normalised it; a landline
# (also a valid phone on a Person) cannot receive a text.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Longer texts are split by gateways into several billed messages; ours stay short.
MAX_LENGTH = 500


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    sent_at: object = field(default_factory=timezone.now)


def normalise_phone(phone: str) -> str:
    """The eleven-digit mobile number in ``phone``; ``ValidationError`` if it is none."""
    number = normalize_phone(phone).replace("-", "")
    if not _MOBILE.match(number):
        raise ValidationError(
            _("%(phone)s is not a mobile phone number: a text cannot reach it.") % {"phone": phone}
        )
    return number


class SmsBackend:
    """Sends one text message; raises on failure so the caller can say so."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Writes each message to stdout and to the log: nothing leaves the machine."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, phone: str, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {phone}: {text}\n")
        stream.flush()
        logger.info("SMS to %s: %s", phone, text)


# The messages LocmemBackend has sent, oldest first; tests read and clear it.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend(SmsBackend):
    """Keeps each message in the module's ``outbox``, for tests (the live server of a
    browser test runs in the test's process, so it shares the list)."""

    def send(self, phone: str, text: str) -> None:
        with _outbox_lock:
            outbox.append(SmsMessage(phone=phone, text=text))


def get_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "mediation.sms.ConsoleBackend")
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND {path!r} cannot be imported: {exc}") from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        raise ImproperlyConfigured(f"SMS_BACKEND {path!r} is not an SmsBackend")
    return backend_class()


def send_sms(phone: str, text: str) -> SmsMessage:
    """Send ``text`` to the mobile number ``phone``; ``ValidationError`` for a number that
    is not a mobile number or an empty or overlong text."""
    number = normalise_phone(phone)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("A text message cannot be empty."))
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("A text message is at most %(max)d characters.") % {"max": MAX_LENGTH}
        )
    get_backend().send(number, text)
    return SmsMessage(phone=number, text=text)


__all__ = [
    "ConsoleBackend",
    "LocmemBackend",
    "SmsBackend",
    "SmsMessage",
    "get_backend",
    "normalise_phone",
    "outbox",
    "send_sms",
]
