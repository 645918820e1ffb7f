"""The ways a message leaves the machine, behind one interface.

A ``Channel`` says where it reaches a person (``address``: "" when it cannot) and
sends one message there (``send``: raises on failure, so the delivery is retried).
SMS goes through the project's gateway interface (``mediation.sms``, ``SMS_BACKEND``),
email through Django's mail (``EMAIL_BACKEND``). Staff read theirs on the site
(``Notification``), which needs no channel.
"""

from django.core import mail
from django.core.exceptions import ValidationError

from . import sms
from .models import DeliveryChannel


class Channel:
    name: str = ""

    def address(self, person) -> str:
        raise NotImplementedError

    def send(self, *, address: str, subject: str, body: str, connection=None) -> None:
        raise NotImplementedError

    def connection(self):
        """Something held open while a batch is sent (a mail connection), closed by the
        sender after the batch; or None."""
        return None


class SmsChannel(Channel):
    name = DeliveryChannel.SMS

    def address(self, person) -> str:
        if not person.phone:
            return ""
        try:
            return sms.normalise_phone(person.phone)
        except ValidationError:
            # A landline cannot take a text.
            return ""

    def send(self, *, address: str, subject: str, body: str, connection=None) -> None:
        sms.send_sms(address, body[: sms.MAX_LENGTH])


class EmailChannel(Channel):
    name = DeliveryChannel.EMAIL

    def address(self, person) -> str:
        return person.email or ""

    def connection(self):
        # Opened here: a connection the message opens itself is closed after each send.
        connection = mail.get_connection()
        connection.open()
        return connection

    def send(self, *, address: str, subject: str, body: str, connection=None) -> None:
        mail.EmailMessage(subject, body, to=[address], connection=connection).send()


CHANNELS: dict[str, Channel] = {
    DeliveryChannel.SMS: SmsChannel(),
    DeliveryChannel.EMAIL: EmailChannel(),
}

# A party is told by text when they have a mobile phone, else by email, else not at all.
PARTY_PREFERENCE = (DeliveryChannel.SMS, DeliveryChannel.EMAIL)


def party_route(person, only: str | None = None) -> tuple[Channel, str] | None:
    """The channel and address that reach ``person`` first (``only``: that channel or
    none); None when nothing reaches them."""
    for name in (only,) if only else PARTY_PREFERENCE:
        channel = CHANNELS[name]
        address = channel.address(person)
        if address:
            return channel, address
    return None
