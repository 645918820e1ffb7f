"""The mediation agreement's life: drafted with the contents of art 29, rendered for
signing, signed by every party on the exact file they saw, in effect at the last
party's signature, signed by the mediator, and only then rendered and sealed."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from documents import services
from documents.content import AGREEMENT_TEXT_FIELDS
from documents.models import Document, DocumentStatus, SignerRole
from mediation.models import AuditAction, AuditEvent, CaseStatus
from tests.documents.lifecycle import AGREEMENT, draft, handled_case, sign_parties
from tests.documents.lifecycle_fixtures import *  # noqa: F403
from tests.factories import report_case

pytestmark = pytest.mark.usefixtures("document_files")


@pytest.fixture
def case(district):
    return handled_case(district)


@pytest.fixture
def agreement(case, district, capture):
    return draft(case, district.grid_worker, capture)


def test_document_numbers_are_unique_and_readable(district, case, agreement, capture):
    other = draft(handled_case(district), district.grid_worker, capture)
    assert agreement.number == f"{case.number}-协1"
    assert other.number != agreement.number
    assert len(agreement.token) == 22 and agreement.token != other.token


@pytest.mark.parametrize("field", AGREEMENT_TEXT_FIELDS)
def test_agreement_needs_every_art_29_field(district, case, field):
    with pytest.raises(ValidationError) as refused:
        services.document_draft_agreement(
            case=case, actor=district.grid_worker, content={**AGREEMENT, field: "  "}
        )
    assert field in refused.value.message_dict
    assert not Document.objects.exists()


def test_agreement_refuses_a_bad_date_and_a_negative_amount(district, case):
    with pytest.raises(ValidationError) as refused:
        services.document_draft_agreement(
            case=case,
            actor=district.grid_worker,
            content={**AGREEMENT, "performance_due": "31/12/2026", "agreed_amount": "-1"},
        )
    assert set(refused.value.message_dict) == {"performance_due", "agreed_amount"}


def test_agreement_is_drafted_only_while_the_case_is_handled(district):
    reported = report_case(handling_org=district.street, actor=district.street_staff)
    assert reported.status == CaseStatus.REPORTED
    with pytest.raises(ValidationError):
        services.document_draft_agreement(
            case=reported, actor=district.street_staff, content=AGREEMENT
        )


def test_agreement_is_drafted_only_by_who_may_write_the_case(district, case):
    with pytest.raises(PermissionDenied):
        services.document_draft_agreement(
            case=case, actor=district.other_street_staff, content=AGREEMENT
        )


def test_a_case_has_one_current_agreement(district, case, agreement):
    with pytest.raises(ValidationError, match="correct it"):
        services.document_draft_agreement(case=case, actor=district.grid_worker, content=AGREEMENT)


def test_agreement_is_rendered_for_signing(agreement):
    assert agreement.status == DocumentStatus.SIGNING
    assert agreement.signing_sha256 and agreement.signing_pdf and not agreement.pdf
    assert agreement.content["performance_due"] == "2026-12-31"
    assert str(agreement.agreed_amount) == "3000.00"


def test_party_signature_refuses_a_stale_hash(agreement):
    party = agreement.case.parties.first()
    with pytest.raises(ValidationError, match="changed"):
        services.document_sign_party(
            document=agreement, party=party, method="code", seen_sha256="0" * 64
        )
    assert not agreement.signatures.exists()


def test_a_party_of_another_case_cannot_sign(district, agreement, capture):
    stranger = handled_case(district).parties.first()
    with pytest.raises(ValidationError, match="party to this case"):
        services.document_sign_party(
            document=agreement,
            party=stranger,
            method="code",
            seen_sha256=agreement.signing_sha256,
        )


def test_a_party_signs_once(agreement, capture):
    party = agreement.case.parties.first()
    sign_parties(agreement, capture, [party])
    with pytest.raises(ValidationError, match="already signed"):
        sign_parties(agreement, capture, [party])


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (None, "Draw"),
        (b"GIF89a" + b"\0" * 100, "PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 210_000, "large"),
    ],
)
def test_a_drawn_signature_is_a_png_of_at_most_200_kb(agreement, image, message):
    with pytest.raises(ValidationError, match=message):
        services.document_sign_party(
            document=agreement,
            party=agreement.case.parties.first(),
            method="drawn",
            seen_sha256=agreement.signing_sha256,
            image_png=image,
        )


def test_a_drawn_signature_keeps_its_image_and_the_hash_seen(agreement, png):
    party = agreement.case.parties.first()
    signature = services.document_sign_party(
        document=agreement,
        party=party,
        method="drawn",
        seen_sha256=agreement.signing_sha256,
        image_png=png,
        ip_address="10.0.0.8",
        user_agent="Mobile Safari",
    )
    assert signature.image.read() == png
    assert signature.document_sha256 == agreement.signing_sha256
    assert signature.ip_address == "10.0.0.8" and signature.name == party.person.name


def test_agreement_takes_effect_at_the_last_party_signature_and_not_before(agreement, capture):
    first, last = agreement.case.parties.all()
    sign_parties(agreement, capture, [first])
    assert agreement.effective_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT_EFFECTIVE).exists()
    sign_parties(agreement, capture, [last])
    last_signature = agreement.signatures.get(party=last)
    assert agreement.effective_at == last_signature.signed_at
    assert AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_EFFECTIVE, case=agreement.case
    ).exists()
    assert agreement.status == DocumentStatus.SIGNING


def test_mediator_cannot_sign_before_every_party(district, agreement, capture):
    sign_parties(agreement, capture, [agreement.case.parties.first()])
    with pytest.raises(ValidationError, match="Every party"):
        services.document_sign_mediator(
            document=agreement, actor=district.grid_worker, seen_sha256=agreement.signing_sha256
        )


def test_only_the_case_s_mediator_signs_as_mediator(district, agreement, capture):
    sign_parties(agreement, capture)
    with pytest.raises(PermissionDenied):
        services.document_sign_mediator(
            document=agreement, actor=district.street_staff, seen_sha256=agreement.signing_sha256
        )


def test_sealing_happens_only_after_the_mediator_signs(district, agreement, capture):
    sign_parties(agreement, capture)
    assert agreement.status == DocumentStatus.SIGNING and not agreement.pdf
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT_ISSUED).exists()
    with capture(execute=True):
        services.document_sign_mediator(
            document=agreement, actor=district.grid_worker, seen_sha256=agreement.signing_sha256
        )
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.ISSUED, agreement.render_error
    mediator = agreement.signatures.get(role=SignerRole.MEDIATOR)
    assert mediator.method == "login" and mediator.signed_at <= agreement.issued_at
    assert agreement.signatures.filter(role=SignerRole.PARTY).count() == 2


def test_issued_agreement_is_sealed_valid_and_carries_its_terms(
    district, agreement, capture, verify
):
    sign_parties(agreement, capture)
    with capture(execute=True):
        services.document_sign_mediator(
            document=agreement, actor=district.grid_worker, seen_sha256=agreement.signing_sha256
        )
    agreement.refresh_from_db()
    data = agreement.pdf.read()
    assert agreement.size == len(data) and agreement.pages >= 1
    assert hashlib.sha256(data).hexdigest() == agreement.sha256 != agreement.signing_sha256
    verify(data)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    squeezed = "".join(text.split())
    assert "楼上住户于2026年12月31日前修复防水层" in squeezed
