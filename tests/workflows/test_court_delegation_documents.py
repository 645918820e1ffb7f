"""A court delegation (委派) from the agreement to the sealed PDF in the party's hands,
through the pages each person uses: the court clerk and the centre on the staff site,
the mediator drafting and signing on the case page, each party on the portal with a
code sent to their phone, and a party downloading the sealed copy from the portal.
"""

import io
import re

import pytest
from asn1crypto import pem, x509
from django.conf import settings as django_settings
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from documents.models import Document, DocumentKind, DocumentStatus
from tests.documents.lifecycle import AGREEMENT
from tests.documents.lifecycle_fixtures import *  # noqa: F403
from tests.documents.portal_helpers import code_in, last_sms, use_locmem

from .helpers_court import at, last_referral, refer, to_mediation

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/portal/([A-Za-z0-9_-]{43})/")


@pytest.fixture
def outbox(settings):
    yield from use_locmem(settings)


def _open_portal(client, party, mediator, capture) -> None:
    """The mediator sends the party its link; the party opens it and enters the code."""
    client.force_login(mediator)
    with capture(execute=True):
        response = client.post(reverse("portal:link_send", args=[party.pk]), {"channel": "sms"})
    assert response.status_code == 302
    client.logout()
    token = LINK.search(last_sms(party.person.phone)).group(1)
    with capture(execute=True):
        client.post(reverse("portal:open", args=[token]), {"action": "send"})
    code = code_in(last_sms(party.person.phone))
    response = client.post(reverse("portal:open", args=[token]), {"code": code})
    assert response.url == reverse("portal:home")


def _sign_on_portal(client, party, agreement, capture) -> None:
    with capture(execute=True):
        client.post(reverse("portal:sign_code", args=[agreement.pk]))
    code = code_in(last_sms(party.person.phone))
    data = {"method": "code", "seen_sha256": agreement.signing_sha256, "code": code, "read": "on"}
    with capture(execute=True):
        response = client.post(reverse("portal:sign", args=[agreement.pk]), data)
    assert response.status_code == 302, response.content.decode()[:500]


def _pyhanko_status(data: bytes):
    """The seal checked with pyHanko's own validator against the development CA."""
    ca_pem = (django_settings.DOCUMENTS["CERTIFICATE_DIR"] / "ca.pem").read_bytes()
    _, _, der = pem.unarmor(ca_pem)
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    return validate_pdf_signature(signature, context)


def test_court_delegation_ends_in_a_sealed_agreement_the_party_downloads_art_29(
    client, duty, outbox, document_files, capture
):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        case = referral.case
        mediator = to_mediation(client, court, referral)

        # The mediator drafts the agreement (art 29's contents) on the case page.
        client.force_login(mediator)
        with capture(execute=True):
            response = client.post(
                reverse("documents:make", args=[case.pk, DocumentKind.AGREEMENT]), AGREEMENT
            )
        assert response.status_code == 302
        agreement = Document.objects.get(case=case, kind=DocumentKind.AGREEMENT)
        assert agreement.status == DocumentStatus.SIGNING, agreement.render_error

        # Each party signs the copy it was shown, on the portal.
        parties = list(case.parties.select_related("person").order_by("pk"))
        for party in parties:
            client.logout()
            _open_portal(client, party, mediator, capture)
            _sign_on_portal(client, party, agreement, capture)
        agreement.refresh_from_db()
        assert agreement.effective_at is not None
        assert agreement.status == DocumentStatus.SIGNING  # the mediator has not signed yet

        # The mediator signs last of the people; the organisation's seal follows.
        client.logout()
        client.force_login(mediator)
        with capture(execute=True):
            response = client.post(
                reverse("documents:sign", args=[case.pk, agreement.pk]),
                {"seen_sha256": agreement.signing_sha256, "confirm": "on"},
            )
        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.status == DocumentStatus.ISSUED, agreement.render_error

        # A party downloads the sealed copy from the portal.
        client.logout()
        _open_portal(client, parties[0], mediator, capture)
        response = client.get(reverse("portal:download", args=[agreement.pk]))
        assert response.status_code == 200
        data = b"".join(response.streaming_content)

    status = _pyhanko_status(data)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    compact = re.sub(r"\s+", "", text)
    assert "人民调解协议书" in compact and agreement.number in compact
    for party in parties:
        assert party.person.name in compact
    assert "楼上住户于2026年12月31日前修复防水层" in compact
