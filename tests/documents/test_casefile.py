"""The case file: cover, catalogue, the issued documents and the uploads, numbered."""

import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from documents import casefile, rendering
from documents.models import DocumentKind, DocumentStatus
from tests.documents import render_factories as rf


def flat_page_text(page) -> str:
    return "".join(page.extract_text().split())


def issue(document):
    """The document as the lifecycle leaves it once issued: its PDF stored."""
    rendered = rendering.render_document_pdf(document)
    document.pdf.save(f"{document.number}.pdf", ContentFile(rendered.data), save=False)
    document.status = DocumentStatus.ISSUED
    document.issued_at = timezone.now()
    document.pages = rendered.pages
    document.save()
    return document


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def case(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = rf.make_case(district)
    rf.make_referral(case, district.court)
    return case


def test_the_case_file_holds_cover_catalogue_documents_and_uploads_in_order(case):
    old = rf.make_agreement(case)
    issue(old)
    old.status = DocumentStatus.SUPERSEDED
    old.save()
    agreement = issue(rf.make_agreement(case))
    record = issue(rf.make_document(case, DocumentKind.RECORD, session=rf.make_session(case)))
    rf.make_agreement(case, status=DocumentStatus.SIGNING)  # not issued: left out
    rf.add_upload(case.referral, "起诉状.pdf", blank_pdf(3))
    rf.add_upload(case.referral, "现场照片.png", rf.png_bytes(1200, 800))
    rf.add_upload(case.referral, "录音.mp3", b"ID3\x03\x00\x00\x00")
    rf.add_upload(case.referral, "损坏.pdf", b"%PDF-1.7 broken")
    document = rf.make_document(case, DocumentKind.CASEFILE)

    rendered = casefile.assemble_case_file(document)

    reader = PdfReader(io.BytesIO(rendered.data))
    front = 2
    a_start = front + 1
    r_start = a_start + agreement.pages
    pdf_start = r_start + record.pages
    image_page = pdf_start + 3
    back_page = image_page + 1
    assert rendered.pages == len(reader.pages) == back_page
    cover, catalogue = flat_page_text(reader.pages[0]), flat_page_text(reader.pages[1])
    assert "卷宗" in cover and case.number in cover and "张三" in cover and "李四" in cover
    assert f"共{rendered.pages}页" in cover
    assert "卷内目录" in catalogue
    assert old.number not in catalogue
    for title, start, end in [
        (agreement.number, a_start, r_start - 1),
        (record.number, r_start, pdf_start - 1),
    ]:
        assert title in catalogue
        assert f"{start}–{end}" in catalogue
    assert f"{pdf_start}–{pdf_start + 2}" in catalogue
    assert "录音.mp3" in catalogue and "格式不支持，未收入" in catalogue
    assert "损坏.pdf" in catalogue and "文件无法读取，未收入" in catalogue
    # Each item starts where the catalogue says.
    assert "人民调解协议书" in flat_page_text(reader.pages[a_start - 1])
    assert agreement.number in flat_page_text(reader.pages[a_start - 1])
    assert "调解笔录" in flat_page_text(reader.pages[r_start - 1])
    assert len(reader.pages[image_page - 1].images) == 1
    assert "现场照片.png" in flat_page_text(reader.pages[image_page - 1])
    assert f"卷内备考表{back_page}" in catalogue
    back = flat_page_text(reader.pages[back_page - 1])
    assert "卷内备考表" in back and "本卷收入文件4件" in back
    assert "录音.mp3（格式不支持，未收入）" in back and document.number in back


def test_every_page_of_the_case_file_is_numbered_over_the_whole_file(case):
    issue(rf.make_agreement(case))
    rf.add_upload(case.referral, "证据.pdf", blank_pdf(2))

    rendered = casefile.assemble_case_file(rf.make_document(case, DocumentKind.CASEFILE))

    reader = PdfReader(io.BytesIO(rendered.data))
    for number, page in enumerate(reader.pages, start=1):
        assert f"({number}) Tj".encode() in page.get_contents().get_data()


def test_a_rotated_upload_is_numbered_upright(case):
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    rf.add_upload(case.referral, "横版.pdf", out.getvalue())

    rendered = casefile.assemble_case_file(rf.make_document(case, DocumentKind.CASEFILE))

    upload = PdfReader(io.BytesIO(rendered.data)).pages[2]
    assert upload.rotation == 0
    assert b"(3) Tj" in upload.get_contents().get_data()


def test_a_case_without_documents_or_referral_still_has_its_cover_catalogue_and_back(district):
    case = rf.make_case(district)

    rendered = rendering.render_document_pdf(rf.make_document(case, DocumentKind.CASEFILE))

    assert rendered.pages == 3


def test_only_a_case_file_document_is_assembled(case):
    with pytest.raises(ValueError):
        casefile.assemble_case_file(rf.make_agreement(case))
