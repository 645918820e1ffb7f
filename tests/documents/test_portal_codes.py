"""One-time codes and the portal's session: six digits to the link's party's phone,
kept hashed, for a few minutes and a few attempts, a few an hour; the session they
open is the party's own, for a few hours, and never a staff login."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents.models import OneTimeCode, PortalLink
from documents.portal import services
from documents.portal.session import KEY
from mediation.models import AuditAction, AuditEvent, PartyRole

from .portal_helpers import (
    APPLICANT_PHONE,
    RESPONDENT_PHONE,
    ask_code,
    code_in,
    last_sms,
    open_portal,
    party,
    send_link,
    two_party_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(district, case, capture):
    return send_link(party(case), district.street_staff, capture)


@pytest.fixture
def link(token):
    return PortalLink.objects.get()


def _send(link, capture) -> str:
    with capture(execute=True):
        services.portal_code_send(link=link)
    return code_in(last_sms(link.party.person.phone))


def _open(client, token, code):
    return client.post(reverse("portal:open", args=[token]), {"code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_six_digits_to_the_partys_phone_and_kept_only_as_a_keyed_hash(link, capture):
    code = _send(link, capture)
    assert len(code) == 6 and code.isdigit()
    assert last_sms(APPLICANT_PHONE).count(code) == 1
    stored = OneTimeCode.objects.get()
    assert stored.purpose == OneTimeCode.Purpose.LOGIN
    assert code not in stored.code_sha256
    assert stored.code_sha256 != hashlib.sha256(code.encode()).hexdigest()
    assert stored.code_sha256 == services.code_hash(link, code)


def test_the_right_code_opens_the_portal_once(client, token, link, capture):
    code = _send(link, capture)
    response = _open(client, token, code)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    client.session.flush()
    again = _open(client, token, code).content.decode()
    assert "Ask for a code first" in again


def test_opening_the_portal_is_audited(client, token, link, capture):
    _open(client, token, _send(link, capture))
    event = AuditEvent.objects.get(action=AuditAction.PORTAL_OPENED)
    assert event.case == link.party.case and event.actor is None
    assert event.data["party"] == "张三" and event.data["link"] == link.pk


def test_a_wrong_code_counts_an_attempt_and_says_how_many_are_left(client, token, link, capture):
    code = _send(link, capture)
    page = _open(client, token, _wrong(code)).content.decode()
    assert "The code is wrong. You may try 4 more times." in page
    assert OneTimeCode.objects.get().attempts == 1
    assert KEY not in client.session
    assert not AuditEvent.objects.filter(action=AuditAction.PORTAL_OPENED).exists()


def test_after_too_many_attempts_the_code_is_dead_even_when_right(client, token, link, capture):
    code = _send(link, capture)
    for _ in range(5):
        _open(client, token, _wrong(code))
    page = _open(client, token, code).content.decode()
    assert "Too many wrong attempts" in page
    assert KEY not in client.session
    assert OneTimeCode.objects.get().used_at is None


def test_an_expired_code_is_refused(client, token, link, capture):
    code = _send(link, capture)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        page = _open(client, token, code).content.decode()
    assert "This code has expired" in page and KEY not in client.session


def test_a_new_code_replaces_the_one_before(client, token, link, capture):
    first = _send(link, capture)
    second = _send(link, capture)
    if first != second:
        assert "wrong" in _open(client, token, first).content.decode()
    assert _open(client, token, second).status_code == 302


def test_at_most_five_codes_an_hour_per_link_then_try_again_later(client, token, link, capture):
    for _ in range(5):
        _send(link, capture)
    with pytest.raises(ValidationError, match="Try again later"):
        services.portal_code_send(link=link)
    assert OneTimeCode.objects.count() == 5
    response = ask_code(client, token, capture)
    assert response.status_code == 302
    assert "Try again later" in client.get(response.url).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        _send(link, capture)
    assert OneTimeCode.objects.count() == 6


def test_a_code_that_is_not_six_digits_is_refused_without_an_attempt(client, token, link, capture):
    _send(link, capture)
    page = _open(client, token, "12a").content.decode()
    assert "6 digits" in page
    assert OneTimeCode.objects.get().attempts == 0


def test_a_code_opens_only_its_own_link(client, district, case, token, link, capture):
    other = send_link(party(case, PartyRole.RESPONDENT), district.street_staff, capture)
    code = _send(link, capture)
    # The respondent's link has no code of its own: the applicant's does not open it.
    assert "Ask for a code first" in _open(client, other, code).content.decode()
    assert KEY not in client.session
    # Nor when it has one: each link's code is salted with the link.
    ask_code(client, other, capture)
    respondent_code = code_in(last_sms(RESPONDENT_PHONE))
    if respondent_code != code:
        assert "wrong" in _open(client, other, code).content.decode()


def test_opening_cycles_the_session_key_and_keeps_the_party_not_a_user(
    client, token, link, capture
):
    client.get(reverse("portal:open", args=[token]))
    before = client.session.session_key
    _open(client, token, _send(link, capture))
    session = client.session
    assert session.session_key != before
    assert session[KEY]["party"] == link.party_id and session[KEY]["link"] == link.pk
    assert "_auth_user_id" not in session
    # The staff site does not know the party.
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_session_ends_after_the_configured_hours(client, token, link, capture):
    _open(client, token, _send(link, capture))
    assert client.get(reverse("portal:home")).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2, minutes=1)):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("portal:ended")
    assert KEY not in client.session


def test_a_link_withdrawn_after_opening_ends_the_session(client, district, token, link, capture):
    _open(client, token, _send(link, capture))
    services.portal_link_revoke(link=link, actor=district.street_staff)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("portal:ended")


def test_a_session_of_one_party_does_not_open_another_partys_link(client, district, case, capture):
    open_portal(client, party(case), district.street_staff, capture)
    other = send_link(party(case, PartyRole.RESPONDENT), district.street_staff, capture)
    response = client.get(reverse("portal:open", args=[other]))
    # The respondent's link asks for the respondent's code, to the respondent's phone.
    assert response.status_code == 200 and "139****9000" in response.content.decode()
    home = client.get(reverse("portal:home")).content.decode()
    assert "张三" in home and "李四 · " not in home


def test_the_session_shows_its_own_partys_case_only(client, district, capture):
    mine = two_party_case(district, title="甲案：邻里噪音")
    theirs = two_party_case(district, title="乙案：物业费")
    open_portal(client, party(mine), district.street_staff, capture)
    home = client.get(reverse("portal:home")).content.decode()
    assert mine.number in home and "甲案" in home
    assert theirs.number not in home and "乙案" not in home


def test_signing_out_ends_the_portal_session(client, district, case, capture):
    open_portal(client, party(case), district.street_staff, capture)
    response = client.post(reverse("portal:logout"))
    assert response.url == reverse("portal:ended")
    assert client.get(reverse("portal:home")).url == reverse("portal:ended")


def test_the_link_opened_again_in_its_session_leads_to_the_case(client, district, case, capture):
    token = open_portal(client, party(case), district.street_staff, capture)
    codes = OneTimeCode.objects.count()
    response = client.get(reverse("portal:open", args=[token]))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert OneTimeCode.objects.count() == codes
