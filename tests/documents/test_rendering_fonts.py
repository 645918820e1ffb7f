"""Every document sets its text in one embedded face, the documents' own cut of Noto
Serif CJK SC, and draws its title as outlines; so a 2-page agreement stays small."""

import io
import shutil
import subprocess

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from documents import housefont, rendering
from documents.casefile import assemble_case_file
from documents.models import DocumentKind
from documents.signing import seal_pdf
from tests.documents import render_factories as rf
from tests.documents import seal_support
from tests.documents.test_rendering import RENDERED_KINDS, TITLES, kind_document

HOUSE_FACE = housefont.FAMILY.replace(" ", "-")


def embedded_faces(data: bytes) -> set[str]:
    """The names of the fonts the pages use, without their subset tags (ABCDEF+)."""
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def case(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rf.make_case(district, parties=rf.three_parties())


@pytest.mark.parametrize("kind", RENDERED_KINDS)
def test_each_kind_embeds_the_documents_face_alone_and_no_bold(case, district, kind):
    document, _expected = kind_document(case, kind, district.court)

    data = rendering.render_document_pdf(document).data

    assert embedded_faces(data) == {HOUSE_FACE}


@pytest.mark.parametrize("kind", RENDERED_KINDS)
def test_each_kinds_title_is_text_found_once(case, district, kind):
    document, _expected = kind_document(case, kind, district.court)

    data = rendering.render_document_pdf(document).data

    assert pdf_text(data).count(TITLES[kind]) == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_title_reads_whole_to_pdftotext(case):
    data = rendering.render_document_pdf(rf.make_agreement(case)).data

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()

    assert text.splitlines()[0] == "人民调解协议书"
    assert text.count("人民调解协议书") == 1


def test_the_case_files_own_pages_embed_the_documents_face_alone(case, district):
    rf.make_referral(case, district.court)
    casefile = rf.make_document(case, DocumentKind.CASEFILE)

    data = assemble_case_file(casefile).data

    assert embedded_faces(data) <= {HOUSE_FACE, "Times-Bold"}
    text = pdf_text(data)
    assert "卷内目录" in text and "卷内备考表" in text


def test_a_signed_two_page_agreement_sealed_is_at_most_300_kb(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seal_support.issue(seal_support.use_certificate_dir(settings, tmp_path), district.street)
    agreement = rf.make_agreement(rf.make_case(district))
    rf.sign_all(agreement, drawn_first=False)

    rendered = rendering.render_document_pdf(agreement, stage="final")
    sealed = seal_pdf(rendered.data, organisation=agreement.issuer)

    assert rendered.pages == 2
    assert len(sealed) <= 300 * 1024


def test_a_character_outside_the_documents_face_is_drawn_in_the_full_face(db):
    assert ord("堃") not in housefont.repertoire()

    data = rendering.render_html_pdf(
        '<html lang="zh-CN"><body><p>当事人王堃与李四</p></body></html>'
    ).data

    assert "当事人王堃与李四" in pdf_text(data)
    assert embedded_faces(data) == {HOUSE_FACE, "Noto-Serif-CJK-SC"}


def test_the_documents_face_keeps_gb2312_and_renumbers_its_glyphs():
    path, index = housefont.source_face()

    font = TTFont(io.BytesIO(housefont.cut(path, index, {ord("调"), ord("解")})))

    assert {"调", "解"} <= {chr(point) for point in font.getBestCmap()}
    assert "堃" not in {chr(point) for point in font.getBestCmap()}
    # Renumbered: a handful of glyphs, not the source face's 65,000 slots.
    assert len(font.getGlyphOrder()) < 100
    repertoire = housefont.repertoire()
    assert {ord(ch) for ch in "人民调解协议书卷宗目录备考表　—（）〔〕①"} <= repertoire
    assert len(repertoire) > 7000


def test_the_documents_face_is_made_once_and_cached_under_var_dir(settings):
    path = housefont.house_font()

    assert path == housefont._cache_file(*housefont.source_face())
    assert path.parent == settings.VAR_DIR / "fonts"
    font = TTFont(path, lazy=True)
    assert font.sfntVersion == "OTTO"
    assert len(font.getGlyphOrder()) < 20000
