"""A document's title is drawn as the Bold face's outlines, its text kept underneath."""

import re

import pytest

from documents import titles


@pytest.mark.parametrize("text", titles.KNOWN_TITLES)
def test_every_known_title_has_outlines_of_each_visible_character_in_its_place(text):
    svg = titles.title_svg(text)

    assert svg is not None
    assert svg.count("<path ") == 1
    # Each visible character's outline starts within its own em (plus letter-spacing).
    starts = [float(x) for x in re.findall(r"M(-?[\d.]+) ", svg)]
    cells = {int(x // 1100) for x in starts}
    visible = {i for i, ch in enumerate(text) if ch != "\u3000"}
    assert cells == visible
    # Each character is one em wide, with the stylesheet's letter-spacing between them.
    width = float(re.search(r'viewBox="0 -?\d+ ([\d.]+) ', svg).group(1))
    assert width == pytest.approx(len(text) * 1000 + (len(text) - 1) * 100)
    assert re.search(r'style="width: [\d.]+em; height: 1em"', svg)


def test_the_title_markup_keeps_the_text_escaped_before_the_outlines():
    markup = titles.title_markup("调解<书>&")

    assert markup.startswith('<span class="title-text">调解&lt;书&gt;&amp;</span><svg ')
    assert "<书>" not in markup
    # The outlines carry no text of their own.
    svg = markup[markup.index("<svg") :]
    assert re.sub(r"<[^>]+>", "", svg) == ""


def test_a_title_the_bold_face_cannot_draw_stays_plain_text():
    markup = titles.title_markup("调解\U0001f600")

    assert markup == "调解\U0001f600"
    assert "<svg" not in markup


def test_outlines_are_cached_on_disk_and_read_back_the_same(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    titles._svgs.pop("回访记录", None)
    made = titles.title_svg("回访记录")
    titles._svgs.pop("回访记录")

    cached = list((tmp_path / "fonts").glob("title-*.svg"))

    assert len(cached) == 1
    assert cached[0].read_text(encoding="utf-8") == made
    assert titles.title_svg("回访记录") == made


def test_the_heavy_face_is_the_bold_noto_serif_cjk_sc():
    path, index = titles.outline_face()

    assert "NotoSerifCJK" in path and "Bold" in path
    assert titles._face(path, index).cmap[ord("调")]


def test_the_title_shows_its_outlines_over_its_text_made_transparent():
    from weasyprint.formatting_structure import boxes
    from weasyprint.images import SVGImage

    from documents import rendering

    html = (
        '<html lang="zh-CN"><body>'
        f'<h1 class="title">{titles.title_markup("调解终结书")}</h1><p>正文</p></body></html>'
    )
    page = rendering.layout_html(html).pages[0]._page_box

    texts = [box for box in page.descendants() if isinstance(box, boxes.TextBox)]
    title = [box for box in texts if box.text == "调解终结书"]
    assert len(title) == 1 and title[0].style["color"].alpha == 0
    assert all(box.style["color"].alpha == 1 for box in texts if box is not title[0])
    outlines = [
        box
        for box in page.descendants()
        if isinstance(box, boxes.InlineReplacedBox) and isinstance(box.replacement, SVGImage)
    ]
    assert len(outlines) == 1
    # Drawn where the text is: one em high, on the same line.
    assert outlines[0].height == pytest.approx(title[0].style["font_size"])
    assert abs(outlines[0].position_y - title[0].position_y) < title[0].style["font_size"]
