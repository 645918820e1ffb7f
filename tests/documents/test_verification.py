import datetime
import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from documents.models import DocumentStatus
from documents.signing import seal_pdf
from documents.verification import verify_pdf
from tests.documents.seal_support import (
    a_case,
    append_text_update,
    flip_signed_byte,
    issue,
    register,
    strip_seal,
    two_page_pdf,
    use_certificate_dir,
)


@pytest.fixture
def sealed(settings, tmp_path, district):
    """A two-page PDF sealed by the district centre, and its certificate directory."""
    certs = use_certificate_dir(settings, tmp_path / "certificates")
    issue(certs, district.district)
    return seal_pdf(two_page_pdf(), organisation=district.district)


def _verify(data: bytes):
    with override("en"):
        return verify_pdf(data)


def _says(verdict, words: str) -> bool:
    return any(words in problem for problem in verdict.problems)


def test_an_issued_sealed_pdf_is_genuine_intact_and_unchanged(district, sealed):
    document = register(a_case(district), sealed)

    verdict = _verify(sealed)

    assert verdict.genuine and verdict.intact and verdict.unchanged and verdict.ok
    assert verdict.problems == []
    assert verdict.document == document
    assert verdict.signer == district.district.name
    assert abs(verdict.signed_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_a_byte_changed_inside_the_sealed_range_breaks_the_seal(district, sealed):
    register(a_case(district), sealed)

    verdict = _verify(flip_signed_byte(sealed))

    assert not verdict.genuine
    assert not verdict.intact
    assert _says(verdict, "altered")
    assert _says(verdict, "not in the register")


def test_text_added_in_an_update_after_sealing_is_reported_as_a_change(district, sealed):
    register(a_case(district), sealed)

    verdict = _verify(append_text_update(sealed))

    assert verdict.intact  # the sealed revision itself is untouched
    assert not verdict.unchanged
    assert not verdict.genuine
    assert _says(verdict, "changed after it was sealed")


def test_a_pdf_whose_seal_was_stripped_has_no_seal(district, sealed):
    register(a_case(district), sealed)

    verdict = _verify(strip_seal(sealed))

    assert not verdict.genuine
    assert _says(verdict, "no electronic seal")


def test_a_seal_from_another_ca_is_not_trusted_even_for_a_registered_file(
    district, settings, tmp_path
):
    """Someone with a certificate of their own (same names, another CA) forges a seal."""
    forger = tmp_path / "forger"
    issue(forger, district.district)
    settings.DOCUMENTS = {**settings.DOCUMENTS, "CERTIFICATE_DIR": forger}
    forged = seal_pdf(two_page_pdf(), organisation=district.district)
    certs = use_certificate_dir(settings, tmp_path / "certificates")
    issue(certs, district.district)
    register(a_case(district), forged)

    verdict = _verify(forged)

    assert verdict.intact and verdict.unchanged
    assert not verdict.trusted
    assert not verdict.genuine
    assert _says(verdict, "not made with a certificate this platform trusts")


def test_a_sealed_pdf_that_is_not_in_the_register_is_not_genuine(district, sealed):
    verdict = _verify(sealed)

    assert verdict.trusted and verdict.intact and verdict.unchanged
    assert not verdict.genuine
    assert verdict.document is None
    assert _says(verdict, "not in the register")


def test_a_document_not_yet_issued_is_not_genuine(district, sealed):
    register(a_case(district), sealed, status=DocumentStatus.QUEUED)

    verdict = _verify(sealed)

    assert not verdict.genuine
    assert _says(verdict, "not been issued")


def test_a_superseded_document_is_genuine_but_names_the_current_version(district, sealed):
    case = a_case(district)
    old = register(case, sealed, status=DocumentStatus.SUPERSEDED)
    new = register(case, b"", status=DocumentStatus.ISSUED, version=2, supersedes=old)

    verdict = _verify(sealed)

    assert verdict.genuine
    assert verdict.current == new
    assert _says(verdict, f"superseded by version 2 ({new.number})")


def test_the_unsealed_copy_for_signing_is_recognised_as_such(district, sealed):
    unsealed = hashlib.sha256(two_page_pdf()).hexdigest()
    register(a_case(district), sealed, signing_sha256=unsealed)

    verdict = _verify(two_page_pdf())

    assert not verdict.genuine
    assert _says(verdict, "copy shown to the parties for signing")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "not a PDF"),
        (b"PK\x03\x04 a zip file, not a PDF" * 10, "not a PDF"),
        (b"%PDF-1.7\n%garbage without objects\n", "damaged"),
    ],
)
def test_garbage_gets_a_verdict_with_a_problem_not_an_exception(db, data, words):
    verdict = _verify(data)

    assert not verdict.genuine
    assert _says(verdict, words)


def test_a_truncated_sealed_pdf_is_not_genuine(district, sealed):
    register(a_case(district), sealed)

    verdict = _verify(sealed[: len(sealed) // 2])

    assert not verdict.genuine
    assert verdict.problems


def test_an_encrypted_pdf_gets_a_plain_answer(db):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(two_page_pdf())))
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)

    verdict = _verify(out.getvalue())

    assert not verdict.genuine
    assert _says(verdict, "encrypted")


def _run_verify_document(path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        with override("en"):
            call_command("verify_document", str(path), stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_verify_document_exits_0_for_a_genuine_document_and_1_for_a_tampered_one(
    district, sealed, tmp_path
):
    document = register(a_case(district), sealed)
    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(sealed)
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(append_text_update(sealed))

    code, output = _run_verify_document(genuine)
    assert code == 0
    assert document.number in output
    assert district.district.name in output

    code, output = _run_verify_document(tampered)
    assert code == 1
    assert "changed after it was sealed" in output


def test_verify_document_exits_2_when_the_file_cannot_be_read(db, tmp_path):
    code, output = _run_verify_document(tmp_path / "missing.pdf")

    assert code == 2
    assert "missing.pdf" in output
