"""Every kind of document renders from the case's data, in Chinese, with its key text."""

import io

import pytest
from pypdf import PdfReader

from documents import rendering
from documents.models import DocumentKind, DocumentStatus
from tests.documents import render_factories as rf


def pdf_text(data: bytes) -> str:
    """The text of a PDF without any white space (lines wrap anywhere in Chinese)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def case(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rf.make_case(district, parties=rf.three_parties())


def kind_document(case, kind, court):
    """A document of ``kind`` with what it is about, and the text that must show."""
    if kind == DocumentKind.AGREEMENT:
        return rf.make_agreement(case), [
            "李四赔偿张三天花板修复费用人民币3000元",
            "人民币3,000.00元",
        ]
    if kind == DocumentKind.RECORD:
        session = rf.make_session(case, statement="漏水已持续两个月")
        return rf.make_document(case, kind, session=session), ["漏水已持续两个月", "不公开调解"]
    if kind == DocumentKind.REFERRAL:
        rf.make_referral(case, court, claim="请求判令被告赔偿损失")
        return rf.make_document(case, kind), ["请求判令被告赔偿损失", court.name, "调解期限为30日"]
    if kind == DocumentKind.TERMINATION:
        content = {"reasons": "被申请人拒绝继续调解", "other_routes": "可以向人民法院起诉"}
        return rf.make_document(case, kind, content=content), [
            "被申请人拒绝继续调解",
            "可以向人民法院起诉",
            "第二十六条",
        ]
    if kind == DocumentKind.UNDISPUTED:
        content = {"facts": "双方确认漏水始于2026年3月"}
        return rf.make_document(case, kind, content=content), ["双方确认漏水始于2026年3月"]
    if kind == DocumentKind.CONFIRMATION:
        agreement = rf.make_agreement(case, status=DocumentStatus.ISSUED)
        document = rf.make_document(case, kind, content={"court": "经开区人民法院"})
        return document, [agreement.number, "经开区人民法院", "送达地址：太湖路1号"]
    if kind == DocumentKind.REVISIT:
        visit = rf.make_visit(case, notes="双方已按协议履行")
        return rf.make_document(case, kind, return_visit=visit), ["双方已按协议履行", "情况稳定"]
    raise AssertionError(kind)


RENDERED_KINDS = [k for k in DocumentKind.values if k != DocumentKind.CASEFILE]
TITLES = {
    "agreement": "人民调解协议书",
    "record": "调解笔录",
    "referral": "委派调解函",
    "termination": "调解终结书",
    "undisputed": "无争议事实确认书",
    "confirmation": "司法确认申请书",
    "revisit": "回访记录",
}


@pytest.mark.parametrize("kind", RENDERED_KINDS)
def test_each_kind_renders_its_title_numbers_parties_and_content(case, district, kind):
    document, expected = kind_document(case, kind, district.court)

    rendered = rendering.render_document_pdf(document)

    assert rendered.data.startswith(b"%PDF-")
    assert rendered.pages == len(PdfReader(io.BytesIO(rendered.data)).pages) >= 1
    text = pdf_text(rendered.data)
    for wanted in [TITLES[kind], case.number, document.number, document.issuer.name, "张三"]:
        assert flat(wanted) in text, wanted
    for wanted in expected:
        assert flat(wanted) in text, wanted


def test_every_document_prints_its_verification_address_and_page_numbers(case, settings):
    settings.SITE_URL = "https://tiaojie.example.cn"
    document = rf.make_agreement(case)

    text = pdf_text(rendering.render_document_pdf(document).data)

    assert f"https://tiaojie.example.cn/verify/{document.token}/" in text
    assert "扫描二维码" in text
    assert "—1—" in text


def test_the_signing_copy_leaves_the_signatures_empty(case):
    document = rf.make_agreement(case)

    text = pdf_text(rendering.render_document_pdf(document, stage="signing").data)

    assert "（签名）" in text
    assert "电子签名" not in text
    assert "生效时间" not in text
    assert "本协议经各方当事人签名、调解员签名并加盖人民调解委员会印章后生效" in text
    # One copy for each of the three parties, and one for the archive.
    assert "本协议一式4份，当事人各执一份，调解组织留存一份" in text


def test_the_final_copy_shows_each_signature_its_method_and_the_effective_time(case):
    document = rf.make_agreement(case)
    rf.sign_all(document)

    rendered = rendering.render_document_pdf(document, stage="final")

    text = pdf_text(rendered.data)
    assert "李四（电子签名）" in text and "王五（电子签名）" in text
    assert "手写签名" in text and "短信验证码确认" in text
    assert "调解员（签名）：王调解（电子签名）" in text
    assert "生效时间：" in text
    # The drawn signature of the first party is an image on the last page.
    last = PdfReader(io.BytesIO(rendered.data)).pages[-1]
    assert len(last.images) == 1


def test_missing_optional_data_prints_blank_lines_instead_of_failing(case):
    # No content, no session, no return visit, no referral, no agreement to confirm.
    for kind in RENDERED_KINDS:
        document = rf.make_document(case, kind, content={})

        text = pdf_text(rendering.render_document_pdf(document).data)

        assert TITLES[kind] in text


def test_typed_line_breaks_are_kept(case):
    content = dict(rf.AGREEMENT_CONTENT, facts="第一行事实\n第二行事实")
    document = rf.make_agreement(case, content=content)

    reader = PdfReader(io.BytesIO(rendering.render_document_pdf(document).data))

    lines = reader.pages[0].extract_text().splitlines()
    assert "第一行事实" in lines and "第二行事实" in lines


def test_an_unknown_stage_is_refused(case):
    with pytest.raises(ValueError):
        rendering.render_document_pdf(rf.make_agreement(case), stage="draft")
