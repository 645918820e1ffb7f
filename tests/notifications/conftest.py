"""Messages stay in memory: texts in ``mediation.sms.outbox`` (LocmemBackend), emails in
``django.core.mail.outbox``. A broken gateway stands for the outside world failing."""

import pytest

from mediation import sms
from mediation.models import PartyRole, Person
from tests.documents.portal_helpers import use_locmem
from tests.factories import make_id_number, natural, report_case

PHONE = "13800138000"


class BrokenSms(sms.SmsBackend):
    """The SMS gateway is down."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway unreachable")


@pytest.fixture(autouse=True)
def _messages_in_english(messages_in_english):
    """The messages in English (``tests/conftest.py``)."""


@pytest.fixture(autouse=True)
def texts(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield from use_locmem(settings)


@pytest.fixture
def case(district):
    """A case at the street: 张三 has a mobile phone, 李四 only an email, 王五 neither."""
    parties = [
        natural("张三", PartyRole.APPLICANT, id_number=make_id_number(), phone=PHONE),
        natural("李四", PartyRole.RESPONDENT, phone=""),
        natural("王五", PartyRole.RESPONDENT, phone=""),
    ]
    case = report_case(handling_org=district.street, actor=district.street_staff, parties=parties)
    Person.objects.filter(case_parties__case=case, name="李四").update(email="lisi@example.com")
    return case
