"""The documents' text face: Noto Serif CJK SC cut down to the characters of everyday
Chinese, made once with HarfBuzz and cached under ``VAR_DIR/fonts``.

WeasyPrint 70 subsets each face it embeds keeping every glyph slot up to the highest
glyph id a document uses (RETAIN_GIDS). Noto Serif CJK SC has some 65,000 glyphs, the
Simplified Chinese ones near the end, so every document carried ~60,000 slots (~150 KB)
and paid for subsetting them (and for copying the 26 MB collection) on every render.
This face holds only the GB 2312 repertoire (all of 6,763 hanzi in common use) with the
Latin, punctuation and symbol blocks documents use, renumbered: about 13,500 glyphs,
4 MB, so a document's font costs ~25 KB and ~70 ms less to write.

The stylesheet names it first (``FAMILY``), then Noto Serif CJK SC: a character outside
the repertoire (a rare character in a name) is drawn in the full face, which the
document then embeds too. ``rendering.warm_up`` calls ``register``, which adds the face to
WeasyPrint's font configuration through an ``@font-face`` rule fetched by ``FontFetcher``
(that serves this one file, and nothing but what ``LockedURLFetcher`` serves). Without
HarfBuzz's subsetter or the source face, nothing is registered and every character is
drawn in Noto.
"""

import atexit
import ctypes
import ctypes.util
import functools
import hashlib
import logging
import os
import shutil
from pathlib import Path

from django.conf import settings
from weasyprint.urls import URLFetcherResponse

from .fetcher import LockedURLFetcher
from .fontconfig import find_face

logger = logging.getLogger(__name__)

FAMILY = "Mediation Serif SC"
SOURCE_QUERY = "Noto Serif CJK SC:style=Regular"
SOURCE_FAMILY = "Noto Serif CJK SC"
FONT_URL = "resource:house-serif-sc.otf"
# Bump when the repertoire or the way it is cut changes: the cache's names depend on it.
_VERSION = "1"

# Unicode blocks kept whole besides GB 2312: (first, last) code points.
_BLOCKS = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x2000, 0x206F),  # General Punctuation
    (0x2100, 0x21FF),  # Letterlike Symbols, Number Forms, Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x2460, 0x24FF),  # Enclosed Alphanumerics
    (0x2500, 0x27BF),  # Box Drawing, Geometric Shapes, Miscellaneous Symbols, Dingbats
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3200, 0x33FF),  # Enclosed CJK Letters and Months, CJK Compatibility
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0xFFFD, 0xFFFD),
)


@functools.cache
def repertoire() -> frozenset[int]:
    """The code points the face keeps."""
    points = {point for first, last in _BLOCKS for point in range(first, last + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return frozenset(points)


@functools.cache
def source_face() -> tuple[str, int] | None:
    """The regular Noto Serif CJK SC face, as (file, face index)."""
    return find_face(SOURCE_QUERY, SOURCE_FAMILY)


def _harfbuzz():
    """libharfbuzz and libharfbuzz-subset through ctypes, their signatures declared."""
    hb = ctypes.CDLL(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
    subset = ctypes.CDLL(ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0")
    pointer, uint = ctypes.c_void_p, ctypes.c_uint
    signatures = (
        (hb.hb_blob_create_from_file, pointer, [ctypes.c_char_p]),
        (hb.hb_face_create, pointer, [pointer, uint]),
        (hb.hb_face_reference_blob, pointer, [pointer]),
        (hb.hb_blob_get_data, ctypes.POINTER(ctypes.c_char), [pointer, ctypes.POINTER(uint)]),
        (hb.hb_blob_destroy, None, [pointer]),
        (hb.hb_face_destroy, None, [pointer]),
        (hb.hb_set_add, None, [pointer, ctypes.c_uint32]),
        (subset.hb_subset_input_create_or_fail, pointer, []),
        (subset.hb_subset_input_unicode_set, pointer, [pointer]),
        (subset.hb_subset_input_set_flags, None, [pointer, uint]),
        (subset.hb_subset_or_fail, pointer, [pointer, pointer]),
        (subset.hb_subset_input_destroy, None, [pointer]),
    )
    for function, restype, argtypes in signatures:
        function.restype, function.argtypes = restype, argtypes
    return hb, subset


_NO_HINTING = 0x1


def cut(path: str, index: int, points) -> bytes:
    """The face ``index`` of ``path`` with only the glyphs of ``points`` (and what its
    layout needs), renumbered; raises OSError if HarfBuzz cannot make it."""
    hb, subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file(os.fsencode(path))
    face = hb.hb_face_create(blob, index)
    request = subset.hb_subset_input_create_or_fail()
    try:
        if not request:
            raise OSError("HarfBuzz could not start a subset")
        unicodes = subset.hb_subset_input_unicode_set(request)
        for point in sorted(points):
            hb.hb_set_add(unicodes, point)
        subset.hb_subset_input_set_flags(request, _NO_HINTING)
        result = subset.hb_subset_or_fail(face, request)
        if not result:
            raise OSError(f"HarfBuzz could not subset {path}#{index}")
        out = hb.hb_face_reference_blob(result)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(out, ctypes.byref(length))
        font = ctypes.string_at(data, length.value) if data else b""
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(result)
    finally:
        if request:
            subset.hb_subset_input_destroy(request)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    if not font.startswith((b"OTTO", b"\x00\x01\x00\x00", b"true")):
        raise OSError(f"HarfBuzz made no font of {path}#{index}")
    return font


def _cache_file(path: str, index: int) -> Path:
    stat = os.stat(path)
    key = hashlib.sha256(
        f"{_VERSION}\n{path}#{index}#{stat.st_size}#{stat.st_mtime_ns}".encode()
    ).hexdigest()[:24]
    return Path(settings.VAR_DIR) / "fonts" / f"house-serif-{key}.otf"


@functools.cache
def house_font() -> Path | None:
    """The face's file, made on first use (about a second) and then found in the cache;
    None when it cannot be made (the documents are then set in Noto alone)."""
    face = source_face()
    if face is None:
        logger.warning("No %s face to cut the documents' face from", SOURCE_FAMILY)
        return None
    target = _cache_file(*face)
    if target.exists():
        return target
    try:
        data = cut(*face, repertoire())
    except (OSError, AttributeError) as error:
        logger.warning("The documents' face could not be made: %s", error)
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def font_face_rule() -> str | None:
    """The ``@font-face`` rule that registers the face, or None without one."""
    if house_font() is None:
        return None
    return f'@font-face {{ font-family: "{FAMILY}"; src: url("{FONT_URL}"); }}'


class FontFetcher(LockedURLFetcher):
    """``LockedURLFetcher`` that also serves the face's file at ``FONT_URL``."""

    def fetch(self, url, headers=None):
        path = house_font() if url == FONT_URL else None
        if path is not None:
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/otf"})
        return super().fetch(url, headers)


def register(config) -> bool:
    """Add the face to the WeasyPrint ``FontConfiguration`` ``config``; whether it was."""
    from weasyprint import CSS

    rule = font_face_rule()
    if rule is None:
        return False
    # Registered with the configuration as the rule is parsed; nothing else to keep.
    CSS(string=rule, url_fetcher=FontFetcher(), font_config=config)
    _remove_at_exit(config)
    return True


def _remove_at_exit(config) -> None:
    """Remove the folder WeasyPrint copied the face's file to when this process ends: the
    configuration's own clean-up (``__del__``) runs too late at exit, fails and leaves it
    in /tmp. Never from a forked process, which does not own it."""
    owner = os.getpid()

    def remove():
        folder = getattr(config, "_folder", None)
        if folder is not None and os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)
            config._folder = None

    atexit.register(remove)
