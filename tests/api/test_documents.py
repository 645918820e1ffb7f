"""The documents of a case that the caller's organisation may see, and their PDFs."""

import secrets

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import Document, DocumentKind, DocumentStatus

from .conftest import issue, referred_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% sealed\n%%EOF\n"


def document(case, kind, status=DocumentStatus.ISSUED) -> Document:
    """A stand-in for a sealed document: these tests ask who may fetch it."""
    number = f"API-{case.pk}-{kind}"
    doc = Document(
        case=case,
        kind=kind,
        number=number,
        token=secrets.token_urlsafe(16),
        issuer=case.handling_org,
        status=status,
        issued_at=timezone.now() if status == DocumentStatus.ISSUED else None,
    )
    doc.pdf.save(f"{number}.pdf", ContentFile(PDF), save=False)
    doc.save()
    return doc


@pytest.fixture
def referred(district):
    """A case the court referred, with a termination record sent back and a session record."""
    case = referred_case(district)
    return case, document(case, DocumentKind.TERMINATION), document(case, DocumentKind.RECORD)


def test_the_referring_court_gets_the_documents_sent_back_and_their_pdf(district, referred):
    case, termination, record = referred
    court = issue(district.court, "法院系统")
    listed = court.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert [d["id"] for d in listed["results"]] == [termination.pk]
    url = listed["results"][0]["pdf"]
    assert url == f"/api/v1/cases/{case.pk}/documents/{termination.pk}/pdf/"
    response = court.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    # Never the session record.
    assert court.get(f"/api/v1/cases/{case.pk}/documents/{record.pk}/pdf/").status_code == 404


def test_the_handling_centre_sees_every_document(district, referred):
    case, termination, record = referred
    street = issue(district.street, "街道系统")
    listed = street.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert {d["id"] for d in listed["results"]} == {termination.pk, record.pk}


def test_another_organisation_gets_404_for_the_list_and_the_file(district, referred):
    case, termination, _record = referred
    other = issue(district.other_street, "另一街道系统")
    assert other.get(f"/api/v1/cases/{case.pk}/documents/").status_code == 404
    response = other.get(f"/api/v1/cases/{case.pk}/documents/{termination.pk}/pdf/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_error_is_json_even_when_a_pdf_was_asked_for(district, referred):
    case, _termination, record = referred
    court = issue(district.court, "法院系统")
    response = court.get(
        f"/api/v1/cases/{case.pk}/documents/{record.pk}/pdf/", Accept="application/pdf"
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
