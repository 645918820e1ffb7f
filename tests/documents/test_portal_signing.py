"""Signing and downloads on the portal: the party reads the copy for signing and signs
it by drawing or with a code sent to their phone, on the exact file they were shown;
they download the documents they may see, through the portal and nothing else."""

import base64

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import DocumentKind, DocumentStatus, OneTimeCode, Signature
from mediation.models import AuditAction, AuditEvent, PartyRole

from .portal_helpers import (
    APPLICANT_PHONE,
    code_in,
    handled_case,
    issued_document,
    last_sms,
    open_portal,
    party,
    pdf_bytes,
    png_data_url,
    signing_agreement,
    use_locmem,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    yield from use_locmem(settings, tmp_path)


@pytest.fixture
def case(district):
    return handled_case(district)


@pytest.fixture
def agreement(case):
    return signing_agreement(case)


@pytest.fixture
def applicant(case):
    return party(case)


@pytest.fixture
def portal(district, applicant, capture) -> Client:
    client = Client()
    open_portal(client, applicant, district.street_staff, capture)
    return client


def _sign_url(document):
    return reverse("portal:sign", args=[document.pk])


def _drawn(document, **overrides):
    data = {
        "method": "drawn",
        "seen_sha256": document.signing_sha256,
        "signature": png_data_url(),
        "read": "on",
    }
    return {**data, **overrides}


def _ask_sign_code(portal, document, capture) -> str:
    with capture(execute=True):
        portal.post(reverse("portal:sign_code", args=[document.pk]))
    return code_in(last_sms(APPLICANT_PHONE))


def _coded(document, code, **overrides):
    data = {"method": "code", "seen_sha256": document.signing_sha256, "code": code, "read": "on"}
    return {**data, **overrides}


def test_the_agreement_awaiting_the_party_is_offered_with_the_hash_of_the_copy_shown(
    portal, agreement
):
    home = portal.get(reverse("portal:home")).content.decode()
    assert _sign_url(agreement) in home
    page = portal.get(_sign_url(agreement)).content.decode()
    assert agreement.signing_sha256 in page
    assert f'name="seen_sha256" value="{agreement.signing_sha256}"' in page
    shown = portal.get(reverse("portal:file", args=[agreement.pk]))
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == agreement.signing_pdf.open("rb").read()


def test_a_party_signs_by_drawing_and_the_signature_is_recorded(portal, agreement, applicant):
    response = portal.post(_sign_url(agreement), _drawn(agreement))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    signature = Signature.objects.get(document=agreement)
    assert signature.party == applicant and signature.method == "drawn"
    assert signature.document_sha256 == agreement.signing_sha256
    assert signature.image.read().startswith(b"\x89PNG")
    assert signature.ip_address == "127.0.0.1"
    home = portal.get(reverse("portal:home")).content.decode()
    assert "You signed it on" in home and _sign_url(agreement) in home
    assert "awaits your signature" not in home


def test_a_party_signs_with_a_code_sent_for_this_document(portal, agreement, applicant, capture):
    code = _ask_sign_code(portal, agreement, capture)
    assert agreement.number in last_sms(APPLICANT_PHONE)
    stored = OneTimeCode.objects.get(purpose=OneTimeCode.Purpose.SIGN)
    assert stored.document == agreement
    response = portal.post(_sign_url(agreement), _coded(agreement, code))
    assert response.status_code == 302
    signature = Signature.objects.get(document=agreement)
    assert signature.method == "code" and signature.party == applicant
    stored.refresh_from_db()
    assert stored.used_at is not None


def test_the_last_party_signing_on_the_portal_makes_the_agreement_take_effect(
    district, case, agreement, portal, capture
):
    portal.post(_sign_url(agreement), _drawn(agreement))
    respondent = Client()
    open_portal(respondent, party(case, PartyRole.RESPONDENT), district.street_staff, capture)
    respondent.post(_sign_url(agreement), _drawn(agreement))
    agreement.refresh_from_db()
    assert agreement.effective_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_EFFECTIVE).exists()


def test_a_wrong_sign_code_counts_an_attempt_and_signs_nothing(portal, agreement, capture):
    code = _ask_sign_code(portal, agreement, capture)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = portal.post(_sign_url(agreement), _coded(agreement, wrong))
    assert response.status_code == 400 and "The code is wrong" in response.content.decode()
    assert not Signature.objects.exists()
    assert OneTimeCode.objects.get(purpose=OneTimeCode.Purpose.SIGN).attempts == 1


def test_the_login_code_does_not_confirm_a_signature(portal, agreement):
    response = portal.post(_sign_url(agreement), _coded(agreement, "123456"))
    assert "Ask for a code first" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_sign_code_is_bound_to_its_document(case, portal, agreement, capture):
    code = _ask_sign_code(portal, agreement, capture)
    # A correction makes another agreement; the code sent for the first does not sign it.
    agreement.status = DocumentStatus.SUPERSEDED
    agreement.save(update_fields=["status"])
    other = signing_agreement(case, pdf_bytes("corrected"))
    response = portal.post(_sign_url(other), _coded(other, code))
    assert "Ask for a code first" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_tampered_hash_is_refused_and_the_code_stays_unused(portal, agreement, capture):
    code = _ask_sign_code(portal, agreement, capture)
    tampered = "0" * 64
    response = portal.post(_sign_url(agreement), _coded(agreement, code, seen_sha256=tampered))
    assert response.status_code == 400
    assert "The document changed since it was opened" in response.content.decode()
    assert not Signature.objects.exists()
    assert OneTimeCode.objects.get(purpose=OneTimeCode.Purpose.SIGN).used_at is None
    response = portal.post(_sign_url(agreement), _drawn(agreement, seen_sha256="f" * 64))
    assert "The document changed" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_oversized_drawing_is_refused(portal, agreement):
    huge = (
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 300_000).decode()
    )
    response = portal.post(_sign_url(agreement), _drawn(agreement, signature=huge))
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_drawing_too_many_pixels_wide_is_refused(portal, agreement):
    wide = png_data_url(width=5000, height=100)
    response = portal.post(_sign_url(agreement), _drawn(agreement, signature=wide))
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "signature",
    [
        png_data_url(fmt="JPEG"),
        "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff").decode(),
        "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode(),
        "data:image/png;base64,%%%not-base64%%%",
    ],
    ids=["jpeg-bytes", "jpeg-url", "gif-bytes", "not-base64"],
)
def test_a_drawing_that_is_not_a_png_is_refused(portal, agreement, signature):
    response = portal.post(_sign_url(agreement), _drawn(agreement, signature=signature))
    assert response.status_code == 400
    page = response.content.decode()
    assert "must be a PNG image" in page or "could not be read" in page
    assert not Signature.objects.exists()


def test_an_empty_drawing_is_refused(portal, agreement):
    for signature in ("", png_data_url(ink=False)):
        response = portal.post(_sign_url(agreement), _drawn(agreement, signature=signature))
        assert "Draw your signature in the box first." in response.content.decode()
    assert not Signature.objects.exists()


def test_signing_needs_the_confirmation_of_having_read_it(portal, agreement):
    data = _drawn(agreement)
    del data["read"]
    response = portal.post(_sign_url(agreement), data)
    assert "Confirm that you have read the agreement." in response.content.decode()
    assert not Signature.objects.exists()


def test_a_party_signs_once(portal, agreement):
    portal.post(_sign_url(agreement), _drawn(agreement))
    response = portal.post(_sign_url(agreement), _drawn(agreement))
    assert response.status_code == 400
    assert Signature.objects.count() == 1


def test_a_document_of_another_case_is_not_found(district, portal):
    theirs = signing_agreement(handled_case(district))
    issued = issued_document(theirs.case)
    for name in ("sign", "file", "download", "sign_code"):
        for document in (theirs, issued):
            url = reverse(f"portal:{name}", args=[document.pk])
            response = portal.post(url) if name == "sign_code" else portal.get(url)
            assert response.status_code == 404, (name, document.kind)
    response = portal.post(_sign_url(theirs), _drawn(theirs))
    assert response.status_code == 404 and not Signature.objects.exists()


def test_issued_documents_download_through_the_portal_as_attachments(case, portal):
    termination = issued_document(case)
    home = portal.get(reverse("portal:home")).content.decode()
    url = reverse("portal:download", args=[termination.pk])
    assert url in home
    response = portal.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == termination.pdf.open("rb").read()


def test_documents_the_party_may_not_see_are_not_offered_nor_served(case, portal):
    casefile = issued_document(case, kind=DocumentKind.CASEFILE)
    home = portal.get(reverse("portal:home")).content.decode()
    assert casefile.number not in home
    assert portal.get(reverse("portal:download", args=[casefile.pk])).status_code == 404


def test_an_agreement_out_for_signing_is_not_a_download(portal, agreement):
    assert portal.get(reverse("portal:download", args=[agreement.pk])).status_code == 404


def test_documents_need_the_portal_session(client, agreement, district):
    response = client.get(reverse("portal:file", args=[agreement.pk]))
    assert response.status_code == 302 and response.url == reverse("portal:ended")
    # A staff login is not a portal session either.
    client.force_login(district.street_staff)
    response = client.get(reverse("portal:download", args=[agreement.pk]))
    assert response.status_code == 302 and response.url == reverse("portal:ended")
