"""The only way a rendered document reaches a resource: by name, never by address.

WeasyPrint asks its URL fetcher for every stylesheet, image, font, attachment and
colour profile it meets. Ours knows two kinds of name and nothing else:

- ``asset:<name>``: a file shipped in ``documents/assets/`` (the stylesheet);
- ``resource:<name>``: bytes the caller handed to this one render (a drawn signature,
  an image uploaded to the case file), PNG, JPEG or GIF only.

``file:``, ``http(s):``, ``data:`` and every other scheme, any name not on the list, and
a redirect (there is nothing to follow one with) are refused. WeasyPrint is told to fail
on a refusal (``fail_on_errors``), so a template that asks for something it may not have
fails loudly instead of printing a document with a hole in it. Text typed by people
never becomes a URL: templates escape it.
"""

import mimetypes
import re
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME = "asset"
RESOURCE_SCHEME = "resource"

# Names are chosen by the code, never by a user: short, ASCII, no path separators.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class ResourceRefused(ValueError):
    """The fetcher was asked for something it does not serve."""


def asset_url(name: str) -> str:
    return f"{ASSET_SCHEME}:{name}"


def resource_url(name: str) -> str:
    return f"{RESOURCE_SCHEME}:{name}"


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or GIF image, from its first bytes; else None."""
    for magic, mime in _IMAGE_SIGNATURES:
        if data.startswith(magic):
            return mime
    return None


def check_resources(resources: dict[str, bytes] | None) -> dict[str, bytes]:
    """The resources of one render, each checked: a plain name and a raster image.

    Raises ``ResourceRefused`` for a bad name or for anything but PNG, JPEG or GIF (an
    SVG could itself ask for URLs)."""
    checked = {}
    for name, data in (resources or {}).items():
        if not _NAME.match(name):
            raise ResourceRefused(f"Bad resource name: {name!r}")
        if not isinstance(data, bytes) or image_type(data) is None:
            raise ResourceRefused(f"Resource {name!r} is not a PNG, JPEG or GIF image")
        checked[name] = data
    return checked


def _asset_names() -> frozenset[str]:
    if not ASSETS_DIR.is_dir():
        return frozenset()
    return frozenset(p.name for p in ASSETS_DIR.iterdir() if p.is_file() and _NAME.match(p.name))


class LockedURLFetcher(URLFetcher):
    """WeasyPrint's fetcher with every network and file handler out of reach."""

    def __init__(self, resources: dict[str, bytes] | None = None):
        super().__init__(
            timeout=1,
            allowed_protocols=(ASSET_SCHEME, RESOURCE_SCHEME),
            allow_redirects=False,
            fail_on_errors=True,
        )
        self._resources = check_resources(resources)
        self._assets = _asset_names()
        # Every URL refused. Some of WeasyPrint's paths (an <image> inside SVG) swallow
        # the error; the renderer checks this list after the render and fails then.
        self.refused: list[str] = []

    def _refuse(self, url) -> ResourceRefused:
        shown = str(url)[:200]
        self.refused.append(shown)
        return ResourceRefused(f"Refused: {shown!r}")

    def fetch(self, url, headers=None):
        scheme, sep, name = url.partition(":")
        if not sep:
            raise self._refuse(url)
        scheme = scheme.lower()
        if scheme == ASSET_SCHEME and name in self._assets:
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            body = (ASSETS_DIR / name).read_bytes()
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if scheme == RESOURCE_SCHEME and name in self._resources:
            body = self._resources[name]
            return URLFetcherResponse(url, body, {"Content-Type": image_type(body)})
        raise self._refuse(url)

    def open(self, url, data=None, timeout=None):
        # urllib's way in (and a redirect's) goes nowhere either.
        raise self._refuse(getattr(url, "full_url", url))

    def check(self) -> None:
        """Raise ``ResourceRefused`` if anything was refused during the render."""
        if self.refused:
            raise ResourceRefused(f"Refused: {self.refused[0]!r}")
