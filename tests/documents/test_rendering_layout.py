"""The seal's place: the same empty square at the bottom right of every last page."""

import pytest
from django.template.loader import render_to_string

from documents import casefile, rendering
from documents.models import DocumentKind
from mediation.models import PartyRole
from tests.documents import render_factories as rf
from tests.factories import natural

PX_TO_MM = 25.4 / 96
A4_HEIGHT_MM = 297


def boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from boxes(child)


def rect_mm(box):
    """x, y from the page's bottom-left, width, height, in millimetres."""
    x = box.position_x * PX_TO_MM
    top = box.position_y * PX_TO_MM
    width, height = box.margin_width() * PX_TO_MM, box.margin_height() * PX_TO_MM
    return x, A4_HEIGHT_MM - top - height, width, height


def seal_boxes(layout):
    found = []
    for index, page in enumerate(layout.pages):
        for box in boxes(page._page_box):
            element = getattr(box, "element", None)
            is_block = type(box).__name__ in ("BlockBox", "AbsolutePlaceholder")
            if element is not None and element.get("class") == "seal-box" and is_block:
                found.append((index, rect_mm(box)))
    return found


def overlaps(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def assert_seal_box_clear_on_page(layout, page_index):
    found = seal_boxes(layout)
    assert [index for index, _rect in found] == [page_index]
    rect = found[0][1]
    assert rect == pytest.approx(rendering.SEAL_BOX_MM, abs=0.3)
    page = layout.pages[page_index]._page_box
    for box in boxes(page):
        if type(box).__name__ in ("TextBox", "InlineReplacedBox", "BlockReplacedBox"):
            assert not overlaps(rect_mm(box), rendering.SEAL_BOX_MM), getattr(box, "text", box)


@pytest.fixture
def case(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rf.make_case(district)


def test_the_seal_box_is_empty_at_its_place_on_a_short_agreement(case):
    html, resources = rendering.document_html(rf.make_agreement(case), stage="signing")

    layout = rendering.layout_html(html, resources)

    assert_seal_box_clear_on_page(layout, len(layout.pages) - 1)


def test_the_seal_box_holds_on_a_long_signed_agreement_with_many_parties(district):
    parties = [
        natural(f"当事人{i}", PartyRole.APPLICANT if i % 2 else PartyRole.RESPONDENT)
        for i in range(6)
    ]
    case = rf.make_case(district, parties=parties)
    terms = "\n".join(
        f"第{i}项：李四于2026年5月31日前向张三支付分期款项人民币500元。" for i in range(40)
    )
    document = rf.make_agreement(case, content=dict(rf.AGREEMENT_CONTENT, terms=terms))
    rf.sign_all(document)
    html, resources = rendering.document_html(document, stage="final")

    layout = rendering.layout_html(html, resources)

    assert len(layout.pages) >= 3
    assert_seal_box_clear_on_page(layout, len(layout.pages) - 1)


@pytest.mark.parametrize("kind", [DocumentKind.TERMINATION, DocumentKind.CONFIRMATION])
def test_the_seal_box_holds_on_the_other_kinds(case, kind):
    html, resources = rendering.document_html(rf.make_document(case, kind))

    layout = rendering.layout_html(html, resources)

    assert_seal_box_clear_on_page(layout, len(layout.pages) - 1)


def test_the_case_file_has_its_seal_box_on_its_back_page(case):
    document = rf.make_document(case, DocumentKind.CASEFILE)
    context = casefile.cover_context(document)
    excluded = [casefile.Item(title=f"录音{i}.mp3", note=casefile.NOT_SUPPORTED) for i in range(8)]
    html = render_to_string(
        "documents/casefile_tail.html",
        {**context, "images": [], "included_count": 3, "excluded": excluded, "total_pages": 9},
    )

    layout = rendering.layout_html(html)

    assert len(layout.pages) == 1
    assert_seal_box_clear_on_page(layout, 0)
