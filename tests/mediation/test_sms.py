"""The SMS gateway interface: the backend named in settings sends; numbers and texts
that cannot go out are refused before the gateway is asked."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from mediation import sms


@pytest.fixture
def locmem(settings):
    settings.SMS_BACKEND = "mediation.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_the_locmem_backend_keeps_each_message_in_the_outbox(locmem):
    sms.send_sms("138 0013 8000", "您的验证码是 123456。")
    assert [(m.phone, m.text) for m in locmem] == [("13800138000", "您的验证码是 123456。")]


def test_a_number_with_the_country_code_is_sent_to_the_eleven_digit_number(locmem):
    sms.send_sms("+86 139-0013-9000", "测试")
    assert locmem[0].phone == "13900139000"


@pytest.mark.parametrize("phone", ["", "0551-62345678", "12345", "2380013800"])
def test_a_landline_or_a_malformed_number_is_refused_and_nothing_is_sent(locmem, phone):
    with pytest.raises(ValidationError):
        sms.send_sms(phone, "测试")
    assert locmem == []


def test_an_empty_or_overlong_text_is_refused(locmem):
    with pytest.raises(ValidationError):
        sms.send_sms("13800138000", "   ")
    with pytest.raises(ValidationError):
        sms.send_sms("13800138000", "字" * (sms.MAX_LENGTH + 1))
    assert locmem == []


def test_the_console_backend_writes_the_message_and_keeps_nothing(settings):
    stream = io.StringIO()
    sms.ConsoleBackend(stream=stream).send("13800138000", "您好")
    assert stream.getvalue() == "SMS to 13800138000: 您好\n"


def test_the_default_backend_is_the_console(settings, capsys):
    settings.SMS_BACKEND = "mediation.sms.ConsoleBackend"
    sms.outbox.clear()
    sms.send_sms("13800138000", "控制台")
    assert "SMS to 13800138000: 控制台" in capsys.readouterr().out
    assert sms.outbox == []


def test_a_backend_that_is_not_an_sms_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "mediation.sms.SmsMessage"
    with pytest.raises(ImproperlyConfigured):
        sms.get_backend()
    settings.SMS_BACKEND = "mediation.sms.NoSuchBackend"
    with pytest.raises(ImproperlyConfigured):
        sms.get_backend()


def test_the_abstract_backend_sends_nothing():
    with pytest.raises(NotImplementedError):
        sms.SmsBackend().send("13800138000", "x")
