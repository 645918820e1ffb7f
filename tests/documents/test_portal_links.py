"""Portal links: sent by staff who may write the case, by SMS or email, to a party who
has a mobile phone; only the token's hash is kept; expired, withdrawn and unknown
links say so."""

import datetime
import hashlib

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from documents.models import PortalLink
from documents.portal import services
from mediation import sms
from mediation.models import AuditAction, AuditEvent, PartyRole, Person

from .portal_helpers import (
    LINK_RE,
    RESPONDENT_PHONE,
    last_sms,
    party,
    send_link,
    two_party_case,
)

pytestmark = pytest.mark.django_db


def test_a_link_goes_out_by_sms_with_the_site_url_and_only_its_hash_is_kept(
    district, case, capture, outbox, settings
):
    settings.SITE_URL = "https://tiaojie.example.cn"
    respondent = party(case, PartyRole.RESPONDENT)
    token = send_link(respondent, district.street_staff, capture)
    text = last_sms(RESPONDENT_PHONE)
    assert f"https://tiaojie.example.cn/portal/{token}/" in text
    assert case.number in text
    link = PortalLink.objects.get(party=respondent)
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {link.token_sha256, link.sent_to}
    assert link.channel == "sms" and link.sent_to == RESPONDENT_PHONE
    assert link.created_by == district.street_staff


def test_a_link_expires_after_the_configured_days(district, case, capture, settings):
    settings.PORTAL = {**settings.PORTAL, "LINK_DAYS": 3}
    before = timezone.now()
    send_link(party(case), district.street_staff, capture)
    link = PortalLink.objects.get()
    assert before + datetime.timedelta(days=3) <= link.expires_at
    assert link.expires_at <= timezone.now() + datetime.timedelta(days=3)


def test_a_link_by_email_goes_to_the_partys_email_address(district, case, capture, outbox):
    respondent = party(case, PartyRole.RESPONDENT)
    with capture(execute=True):
        services.portal_link_send(party=respondent, channel="email", actor=district.street_staff)
    assert outbox == []
    (message,) = mail.outbox
    assert message.to == ["lisi@example.com"]
    assert LINK_RE.search(message.body) and case.number in message.subject
    assert PortalLink.objects.get().sent_to == "lisi@example.com"


def test_the_link_sent_is_audited_without_its_token(district, case, capture):
    token = send_link(party(case), district.street_staff, capture)
    event = AuditEvent.objects.get(action=AuditAction.PORTAL_LINK_SENT)
    assert event.case == case and event.actor == district.street_staff
    assert event.data["party"] == "张三" and event.data["sent_to"] == "138****8000"
    assert token not in str(event.data)


def test_a_party_without_a_phone_gets_no_link_since_the_code_goes_to_a_phone(
    district, capture, outbox
):
    from tests.factories import natural, report_case

    case = report_case(
        handling_org=district.street,
        actor=district.street_staff,
        parties=[natural("赵六"), natural("王五", PartyRole.RESPONDENT, phone="")],
    )
    wangwu = case.parties.get(person__name="王五")
    Person.objects.filter(pk=wangwu.person_id).update(email="wangwu@example.com")
    wangwu.refresh_from_db()
    for channel in ("sms", "email"):
        with pytest.raises(ValidationError, match="no phone number"):
            services.portal_link_send(party=wangwu, channel=channel, actor=district.street_staff)
    assert not PortalLink.objects.exists() and outbox == [] and mail.outbox == []
    assert not AuditEvent.objects.filter(action=AuditAction.PORTAL_LINK_SENT).exists()


def test_a_landline_cannot_receive_the_code_so_no_link_is_sent(district, outbox):
    from tests.factories import natural, report_case

    case = report_case(
        handling_org=district.street,
        actor=district.street_staff,
        parties=[natural("赵六"), natural("王五", PartyRole.RESPONDENT, phone="0551-62345678")],
    )
    wangwu = case.parties.get(person__name="王五")
    with pytest.raises(ValidationError, match="not a mobile phone"):
        services.portal_link_send(party=wangwu, actor=district.street_staff)
    assert not PortalLink.objects.exists() and outbox == []


def test_the_email_channel_needs_an_email_address(district, case):
    with pytest.raises(ValidationError, match="no email address"):
        services.portal_link_send(party=party(case), channel="email", actor=district.street_staff)
    assert not PortalLink.objects.exists()


def test_a_link_goes_only_by_sms_or_email(district, case):
    with pytest.raises(ValidationError, match="SMS or by email"):
        services.portal_link_send(party=party(case), channel="wechat", actor=district.street_staff)


def test_only_staff_who_may_write_the_case_send_a_link(district, case, outbox):
    # The district's centre staff see the street's case but do not run it.
    with pytest.raises(PermissionDenied):
        services.portal_link_send(party=party(case), actor=district.centre_staff)
    # Another street's staff do not see it at all.
    with pytest.raises(Http404):
        services.portal_link_send(party=party(case), actor=district.other_street_staff)
    assert not PortalLink.objects.exists() and outbox == []


def test_an_unknown_token_is_not_found(client):
    response = client.get(reverse("portal:open", args=["x" * 43]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_an_expired_link_says_so(client, district, case, capture):
    token = send_link(party(case), district.street_staff, capture)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = client.get(reverse("portal:open", args=[token]))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_a_withdrawn_link_says_so(client, district, case, capture):
    token = send_link(party(case), district.street_staff, capture)
    services.portal_link_revoke(link=PortalLink.objects.get(), actor=district.street_staff)
    response = client.get(reverse("portal:open", args=[token]))
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_a_usable_link_asks_for_a_code_and_sends_none_by_itself(client, district, case, capture):
    token = send_link(party(case), district.street_staff, capture)
    sent = len(services.sms.outbox)
    response = client.get(reverse("portal:open", args=[token]))
    assert response.status_code == 200
    assert "138****8000" in response.content.decode()
    # A messaging app that previews the link must not use up the party's codes.
    assert len(services.sms.outbox) == sent


# The staff side: the case page's section and its two actions.


def test_the_case_page_shows_the_portal_section_only_to_who_may_write_the_case(
    client, district, case
):
    client.force_login(district.street_staff)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="party-portal"' in page
    assert reverse("portal:link_send", args=[party(case).pk]) in page
    client.force_login(district.centre_staff)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="party-portal"' not in page


def test_staff_send_a_link_from_the_case_page(client, district, case, capture, outbox):
    client.force_login(district.street_staff)
    respondent = party(case, PartyRole.RESPONDENT)
    with capture(execute=True):
        response = client.post(
            reverse("portal:link_send", args=[respondent.pk]), {"channel": "sms"}
        )
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert PortalLink.objects.filter(party=respondent).count() == 1
    assert LINK_RE.search(last_sms(RESPONDENT_PHONE))


def test_a_reader_of_the_case_cannot_send_or_withdraw_a_link(client, district, case, capture):
    send_link(party(case), district.street_staff, capture)
    link = PortalLink.objects.get()
    client.force_login(district.centre_staff)
    assert (
        client.post(
            reverse("portal:link_send", args=[party(case).pk]), {"channel": "sms"}
        ).status_code
        == 403
    )
    assert client.post(reverse("portal:link_revoke", args=[link.pk])).status_code == 403
    client.force_login(district.other_street_staff)
    assert client.post(reverse("portal:link_revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None and PortalLink.objects.count() == 1


def test_staff_links_need_a_login(client, district, case):
    response = client.post(reverse("portal:link_send", args=[party(case).pk]), {"channel": "sms"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not PortalLink.objects.exists()


def test_staff_withdraw_a_link_and_it_stops_opening(client, district, case, capture):
    token = send_link(party(case), district.street_staff, capture)
    client.force_login(district.street_staff)
    link = PortalLink.objects.get()
    response = client.post(reverse("portal:link_revoke", args=[link.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("portal:open", args=[token])).status_code == 410


class UnreachableGateway(sms.SmsBackend):
    """The world outside: an SMS gateway that does not answer."""

    def send(self, phone, text):
        raise ConnectionError("gateway timed out")


@pytest.mark.django_db(transaction=True)
def test_a_message_the_gateway_refuses_is_reported_to_staff(client, district, settings):
    case = two_party_case(district)
    settings.SMS_BACKEND = f"{__name__}.UnreachableGateway"
    client.force_login(district.street_staff)
    response = client.post(
        reverse("portal:link_send", args=[party(case).pk]), {"channel": "sms"}, follow=True
    )
    assert "could not be sent" in response.content.decode()
    # The link was made, but nobody holds its token: it opens nothing.
    assert PortalLink.objects.filter(party__case=case).count() == 1
