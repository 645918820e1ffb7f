"""The font of the seal's stamp: a small subset of a Noto CJK face, cached under VAR_DIR.

pyHanko draws the stamp with a ``GlyphAccumulator``, which reads the whole font file and
subsets it again for every signature. With the GB2312 set (7,500 glyphs, 2.6 MB) that
per-signature subsetting alone costs about 0.2 s; so the stamp font holds only the
characters a stamp can show: the organisation's name, "电子印章", digits and punctuation.
One file is cached for each such character set (a few KB; made once in about 0.5 s); it
is embedded as it is, and the seal then takes about 0.05 s. Names with characters outside
GB2312 work the same way; a character the face lacks altogether is drawn as "□".
"""

import dataclasses
import functools
import hashlib
import io
import logging
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What every stamp draws besides the organisation's name: the label and the signing time.
STAMP_ALPHABET = frozenset("0123456789-: 电子印章□")
MISSING = "□"
_FONT_QUERY = "Noto Serif CJK SC:style=Bold"
_KNOWN_FACES = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]


class StampFontUnavailable(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class StampFont:
    path: Path
    # The characters the font has a glyph for.
    covered: frozenset[str]

    def fit(self, text: str) -> str:
        """``text`` with every character the font cannot draw replaced by "□"."""
        return "".join(ch if ch in self.covered else MISSING for ch in text)


def _simplified_face(path: str, index: int | None) -> int | None:
    """The index of the face in ``path`` that draws Simplified Chinese, or None."""
    from fontTools import ttLib

    try:
        if not path.lower().endswith((".ttc", ".otc")):
            font = ttLib.TTFont(path, lazy=True)
            return 0 if ord("印") in font.getBestCmap() else None
        faces = ttLib.TTCollection(path, lazy=True).fonts
    except (OSError, ttLib.TTLibError):
        return None
    order = ([index] if index is not None and index < len(faces) else []) + list(range(len(faces)))
    for i in order:
        name = faces[i]["name"].getDebugName(4) or ""
        if (" SC" in name or name.endswith("SC")) and ord("印") in faces[i].getBestCmap():
            return i
    return None


@functools.cache
def source_face() -> tuple[str, int]:
    """The Noto CJK face the stamp is drawn in, as (file, face index); fc-match finds it."""
    candidates: list[tuple[str, int | None]] = []
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", _FONT_QUERY],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
        candidates.append((found[0], int(found[1]) if found[1:] and found[1].isdigit() else None))
    except (OSError, subprocess.SubprocessError, IndexError):
        logger.warning("fc-match could not be asked for the stamp font")
    candidates += [(path, None) for path in _KNOWN_FACES]
    for path, index in candidates:
        if path and os.path.exists(path):
            face = _simplified_face(path, index)
            if face is not None:
                return path, face
    raise StampFontUnavailable(
        _("No Chinese font for the seal's stamp was found: install the fonts-noto-cjk package.")
    )


def _cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "fonts"


def _subset(path: str, face: int, chars: set[str]) -> tuple[bytes, frozenset[str]]:
    from fontTools import subset, ttLib

    font = ttLib.TTFont(path, fontNumber=face, recalcBBoxes=False, recalcTimestamp=False)
    cmap = font.getBestCmap()
    covered = frozenset(ch for ch in chars if ord(ch) in cmap)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx"]
    options.notdef_outline = True
    # pyHanko subsets the font again for each signature: plain charstrings make that quick.
    options.desubroutinize = True
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(ch) for ch in covered])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), covered


_fonts: dict[str, StampFont] = {}


def stamp_font(text: str) -> StampFont:
    """A font file that draws ``text`` and the stamp's fixed characters; made once, cached."""
    path, face = source_face()
    chars = {ch for ch in text if ch.isprintable()} | STAMP_ALPHABET
    key = hashlib.sha256(
        f"{path}#{face}#{os.path.getsize(path)}\n{''.join(sorted(chars))}".encode()
    ).hexdigest()[:24]
    if key in _fonts:
        return _fonts[key]
    target = _cache_dir() / f"stamp-{key}.otf"
    if target.exists():
        from fontTools import ttLib

        covered = frozenset(chr(c) for c in ttLib.TTFont(target, lazy=True).getBestCmap())
    else:
        data, covered = _subset(path, face, chars)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        missing = sorted(chars - covered)
        if missing:
            logger.warning("The stamp font has no glyph for %s; drawn as %s", missing, MISSING)
    _fonts[key] = font = StampFont(target, covered)
    return font
