"""The documents' titles, drawn as the outlines of the heavy face (an inline SVG).

GB/T 9704 sets a document's title in a heavy serif. WeasyPrint 70 embeds every face a
document uses, and its HarfBuzz subset keeps a slot for every glyph id up to the highest
one used (RETAIN_GIDS): with Noto Serif CJK that is some 60,000 slots and about 150 KB per
face, however few glyphs it draws. The title was the only text in the Bold face worth
keeping, so the title is no text in that face any more: each character's outline is taken
from the Bold face with fontTools and drawn as a path of an inline ``<svg>`` (no face
embedded, a few KB of paths). The same title is written over it in the regular face (whose
subset has every glyph it needs anyway), fully transparent, so that search, copying and
text extraction still find it once.

Outlines are made once per title string: cached in this process, and on disk under
``VAR_DIR/fonts`` (reading the Bold face with fontTools takes about a second). ``prepare``
fills the cache for the known titles; ``rendering.warm_up`` calls it in the parent, so
that forked render children find them made. A title with a character the Bold face cannot
draw, or with no Bold face at all, stays plain text in the regular face.
"""

import functools
import hashlib
import logging
import os
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import labels
from .fontconfig import find_face

logger = logging.getLogger(__name__)

# The face the outlines are taken from: the heaviest Noto Serif CJK SC fontconfig has
# (Debian's fonts-noto-cjk stops at Bold).
FACE_QUERY = "Noto Serif CJK SC:weight=black"
FACE_FAMILY = "Noto Serif CJK SC"
# The space between characters, in em, as the stylesheet's h1.title letter-spacing.
LETTER_SPACING_EM = 0.1
# Bump when the markup changes: the disk cache's files are named after it.
_VERSION = "2"

# Every title a template prints: the kinds' titles, and the case file's own pages.
KNOWN_TITLES = (*labels.TITLES.values(), "卷　　宗", "卷内目录", "卷内备考表")


@functools.cache
def outline_face() -> tuple[str, int] | None:
    """The heavy face, as (file, face index); None if fontconfig has none."""
    return find_face(FACE_QUERY, FACE_FAMILY)


class _Face:
    """The heavy face's outlines and metrics, read once with fontTools."""

    def __init__(self, path: str, index: int):
        from fontTools.ttLib import TTFont

        font = TTFont(path, fontNumber=index, lazy=True)
        self.cmap = font.getBestCmap()
        self.glyphs = font.getGlyphSet()
        self.upem = font["head"].unitsPerEm
        # The ideographic em box: a CJK character fills it, as it does the line's em.
        self.ascent = font["OS/2"].sTypoAscender
        self.descent = -font["OS/2"].sTypoDescender

    def outline(self, char: str, x: float) -> tuple[float, str] | None:
        """The advance of ``char`` and its SVG path data drawn at ``x`` on the baseline,
        y down (as SVG has it); None if the face lacks it."""
        from fontTools.pens.svgPathPen import SVGPathPen
        from fontTools.pens.transformPen import TransformPen

        name = self.cmap.get(ord(char))
        if name is None:
            return None
        glyph = self.glyphs[name]
        pen = SVGPathPen(self.glyphs)
        glyph.draw(TransformPen(pen, (1, 0, 0, -1, x, 0)))
        return glyph.width, pen.getCommands()


@functools.cache
def _face(path: str, index: int) -> _Face:
    return _Face(path, index)


def compose_svg(text: str, face: _Face) -> str | None:
    """The inline SVG that draws ``text`` in ``face``, 1em high; None if a glyph lacks."""
    spacing = LETTER_SPACING_EM * face.upem
    parts, x = [], 0.0
    for position, char in enumerate(text):
        outline = face.outline(char, x)
        if outline is None:
            return None
        advance, data = outline
        parts.append(data)
        x += advance + (spacing if position < len(text) - 1 else 0)
    height = face.ascent + face.descent
    # One path for the whole title: WeasyPrint's SVG drawing costs per element too.
    return (
        '<svg class="title-art" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
        f'viewBox="0 {-face.ascent} {x:g} {height}" '
        f'style="width: {x / height:.4f}em; height: 1em">'
        f'<path d="{"".join(parts)}"/></svg>'
    )


_svgs: dict[str, str | None] = {}


def _cache_file(text: str, path: str, index: int) -> Path:
    key = hashlib.sha256(
        f"{_VERSION}\n{path}#{index}#{os.path.getsize(path)}\n{text}".encode()
    ).hexdigest()[:24]
    return Path(settings.VAR_DIR) / "fonts" / f"title-{key}.svg"


def title_svg(text: str) -> str | None:
    """The outlines of ``text`` as an inline SVG, or None when they cannot be drawn."""
    if text in _svgs:
        return _svgs[text]
    face = outline_face()
    svg = None
    if face is not None and text.strip():
        target = _cache_file(text, *face)
        if target.exists():
            svg = target.read_text(encoding="utf-8")
        else:
            svg = compose_svg(text, _face(*face))
            if svg is None:
                logger.warning("The titles' face cannot draw %r: it stays text", text)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                tmp.write_text(svg, encoding="utf-8")
                os.replace(tmp, target)
    _svgs[text] = svg
    return svg


def title_markup(text: str) -> SafeString:
    """What goes inside ``<h1 class="title">``: the text (transparent, in the regular
    face), then the outlines over it; the text alone if there are no outlines."""
    svg = title_svg(text)
    if svg is None:
        return escape(text)
    return mark_safe(f'<span class="title-text">{escape(text)}</span>{svg}')


def prepare(titles=KNOWN_TITLES) -> None:
    """Make the outlines of ``titles`` now (in the parent, before the children fork)."""
    for text in titles:
        title_svg(text)
    # The face's tables (tens of MB once read) are not kept for titles that may never come.
    _face.cache_clear()
