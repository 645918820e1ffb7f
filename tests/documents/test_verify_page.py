import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import DocumentStatus
from documents.signing import seal_pdf
from documents.verify_views import MAX_UPLOAD_BYTES
from tests.documents.seal_support import (
    a_case,
    append_text_update,
    issue,
    register,
    two_page_pdf,
    use_certificate_dir,
)


@pytest.fixture
def sealed(settings, tmp_path, district):
    settings.LANGUAGE_CODE = "en"
    certs = use_certificate_dir(settings, tmp_path / "certificates")
    issue(certs, district.district)
    return seal_pdf(two_page_pdf(), organisation=district.district)


@pytest.fixture
def issued(district, sealed):
    return register(a_case(district), sealed, content={"facts": "漏水造成天花板受损"})


def _page(document):
    return reverse("verify:document", args=[document.token])


def _upload(client, url, data: bytes, name="document.pdf"):
    return client.post(url, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_an_anonymous_visitor_sees_the_documents_facts_but_no_party_or_content(client, issued):
    response = client.get(_page(issued))

    assert response.status_code == 200
    page = response.content.decode()
    assert issued.number in page
    assert issued.case.number in page
    assert issued.issuer.name in page
    assert issued.sha256 in page
    assert "Mediation agreement" in page
    assert "is current" in page
    for private in ("张三", "李四", "漏水造成天花板受损", issued.case.title):
        assert private not in page
    assert 'name="viewport"' in page


def test_an_unknown_token_is_not_found(client, db):
    assert client.get(reverse("verify:document", args=["0" * 32])).status_code == 404


@pytest.mark.parametrize(
    "status", [DocumentStatus.QUEUED, DocumentStatus.SIGNING, DocumentStatus.FAILED]
)
def test_a_document_not_yet_issued_says_so_and_nothing_else(client, district, sealed, status):
    document = register(a_case(district), b"", status=status)

    response = client.get(_page(document))

    page = response.content.decode()
    assert response.status_code == 200
    assert "has not been issued yet" in page
    assert document.number not in page
    assert document.case.number not in page
    assert document.issuer.name not in page


def test_a_superseded_document_links_to_the_current_version(client, district, sealed):
    case = a_case(district)
    old = register(case, sealed, status=DocumentStatus.SUPERSEDED)
    new = register(case, b"", status=DocumentStatus.ISSUED, version=2, supersedes=old)

    page = client.get(_page(old)).content.decode()

    assert "replaced by version 2" in page
    assert new.number in page
    assert _page(new) in page


def test_a_newer_version_not_yet_issued_is_mentioned_without_its_number(client, district, sealed):
    case = a_case(district)
    old = register(case, sealed, status=DocumentStatus.SUPERSEDED)
    new = register(case, b"", status=DocumentStatus.QUEUED, version=2, supersedes=old)

    page = client.get(_page(old)).content.decode()

    assert "replaced by version 2" in page
    assert new.number not in page
    assert _page(new) not in page


def test_uploading_the_genuine_pdf_says_genuine_and_that_it_is_this_document(
    client, issued, sealed
):
    response = _upload(client, _page(issued), sealed)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Genuine: this file was issued by" in page
    assert "exactly the document shown on this page" in page


def test_uploading_a_tampered_pdf_says_it_is_not_genuine_and_why(client, issued, sealed):
    response = _upload(client, _page(issued), append_text_update(sealed))

    page = response.content.decode()
    assert "Not confirmed" in page
    assert "changed after it was sealed" in page
    assert "not the document shown on this page" in page
    assert "Genuine:" not in page


def test_uploading_something_that_is_not_a_pdf_gets_a_clear_error(client, issued):
    response = _upload(client, _page(issued), b"\x89PNG\r\n\x1a\n an image", name="photo.png")

    page = response.content.decode()
    assert response.status_code == 200
    assert "This file is not a PDF" in page
    assert "Result of the check" not in page


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(client, db):
    too_big = b"%PDF-1.7\n" + b"0" * MAX_UPLOAD_BYTES

    response = _upload(client, reverse("verify:upload"), too_big)

    page = response.content.decode()
    assert "larger than 30 MB" in page
    assert "Result of the check" not in page


def test_the_upload_only_page_checks_a_file_and_links_to_its_document(client, issued, sealed):
    assert client.get(reverse("verify:upload")).status_code == 200

    page = _upload(client, reverse("verify:upload"), sealed).content.decode()

    assert "Genuine: this file was issued by" in page
    assert _page(issued) in page


def test_an_upload_without_the_csrf_token_is_refused(issued, sealed):
    strict = Client(enforce_csrf_checks=True)

    assert _upload(strict, reverse("verify:upload"), sealed).status_code == 403

    strict.get(reverse("verify:upload"))
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        reverse("verify:upload"),
        {"file": SimpleUploadedFile("d.pdf", sealed), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert "Genuine" in response.content.decode()
