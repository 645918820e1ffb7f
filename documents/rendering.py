"""HTML to PDF with WeasyPrint, in a child process with a time and a memory limit.

The parent (a web or worker process) reads the database and builds the HTML and the
in-memory resources; a forked child lays them out and writes the PDF, and never touches
the database. A render that runs past ``DOCUMENTS["RENDER_TIMEOUT_SECONDS"]`` is killed
(``RenderTimeout``); one that needs more than ``DOCUMENTS["RENDER_MEMORY_MB"]`` above the
child's starting size runs out of address space (``RenderTooLarge``).

Every render fetches through ``documents.fetcher.LockedURLFetcher``: the project's
assets by name and the resources passed to this render, nothing else; anything it
refuses fails the render (``RenderRefused``). Every render is set with the house
stylesheet (documents/assets/documents.css), parsed once per process.

The child is forked from a parent that has loaded the fonts and the stylesheet once
(``warm_up``), with the collector frozen, so that it starts in a few milliseconds; a
2-page agreement then costs about what WeasyPrint itself needs. Every document sets its
text in one face, the documents' own cut of Noto Serif CJK SC (``housefont``: a few
thousand glyph slots to subset and embed instead of 60,000), and draws its title as
outlines of the Bold face (``titles``), which it never embeds.
"""

import ctypes
import ctypes.util
import dataclasses
import functools
import gc
import io
import logging
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Where the organisation's seal goes, in millimetres from the bottom-left corner of the
# last page: x, y, width, height. Every document (the case file too: its back page) ends
# with a closing block of fixed size anchored to the bottom of its last page
# (``_closing.html``), so the area is the same whatever the length of the text.
SEAL_BOX_MM = (116.5, 53.0, 45.0, 45.0)

STAGES = ("signing", "final")


class RenderError(Exception):
    """A document could not be rendered; the message says why, for the staff."""


class RenderingUnavailable(RenderError):
    """A system package the renderer needs is missing."""


class RenderTimeout(RenderError):
    pass


class RenderTooLarge(RenderError):
    pass


class RenderRefused(RenderError):
    """The document asked for a resource the fetcher does not serve."""


@dataclasses.dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


# What the renderer needs from the system.

FONT_FAMILY = "Noto Serif CJK SC"


def fontconfig_has_family(family: str) -> bool:
    """Whether fontconfig resolves ``family`` to a font of that very family."""
    library = ctypes.util.find_library("fontconfig")
    if not library:
        return False
    fc = ctypes.CDLL(library)
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcConfigSubstitute.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    fc.FcDefaultSubstitute.argtypes = [ctypes.c_void_p]
    fc.FcFontMatch.restype = ctypes.c_void_p
    fc.FcFontMatch.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    fc.FcPatternGetString.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_char_p),
    ]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    pattern = fc.FcNameParse(family.encode())
    if not pattern:
        return False
    fc.FcConfigSubstitute(None, pattern, 0)  # FcMatchPattern
    fc.FcDefaultSubstitute(pattern)
    result = ctypes.c_int()
    match = fc.FcFontMatch(None, pattern, ctypes.byref(result))
    fc.FcPatternDestroy(pattern)
    if not match:
        return False
    families = []
    value = ctypes.c_char_p()
    # A font collection answers with several family names; 0 is FcResultMatch.
    while fc.FcPatternGetString(match, b"family", len(families), ctypes.byref(value)) == 0:
        families.append(value.value.decode(errors="replace"))
    fc.FcPatternDestroy(match)
    return family in families


def find_harfbuzz_subset() -> str | None:
    """The HarfBuzz subsetting library WeasyPrint loads, or None."""
    found = ctypes.util.find_library("harfbuzz-subset")
    if found:
        return found
    try:
        ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError:
        return None
    return "libharfbuzz-subset.so.0"


def check_render_dependencies(
    *,
    has_font: Callable[[str], bool] = fontconfig_has_family,
    find_subset: Callable[[], str | None] = find_harfbuzz_subset,
) -> list[str]:
    """What is missing for rendering, as messages for the staff; empty when all is there."""
    problems = []
    if not has_font(FONT_FAMILY):
        problems.append(
            _(
                "The Chinese font %(font)s is missing, so documents cannot be rendered: "
                "install the Debian package fonts-noto-cjk."
            )
            % {"font": FONT_FAMILY}
        )
    if not find_subset():
        problems.append(
            _(
                "The HarfBuzz subsetting library is missing, so documents cannot be rendered "
                "in reasonable time: install the Debian package libharfbuzz-subset0."
            )
        )
    return problems


@functools.cache
def _system_state() -> tuple[bool, bool]:
    return fontconfig_has_family(FONT_FAMILY), find_harfbuzz_subset() is not None


def cached_render_problems() -> list[str]:
    """``check_render_dependencies()`` with the system looked at once per process."""
    font_ok, subset_ok = _system_state()
    return check_render_dependencies(
        has_font=lambda family: font_ok, find_subset=lambda: "found" if subset_ok else None
    )


def ensure_available() -> None:
    problems = cached_render_problems()
    if problems:
        raise RenderingUnavailable(" ".join(problems))


# What every child starts from, made once in the parent: a font configuration that has
# loaded the CJK faces (the documents' own cut of Noto Serif CJK SC registered first,
# ``housefont``), the titles' outlines (``titles``), the house stylesheet
# (documents/assets/documents.css, fetched by name) parsed, and a few sample documents
# rendered (``warmup``), so that a forked child finds the fonts, caches and specialised
# code of a render already made and only does its own document's work.
HOUSE_STYLESHEET = "documents.css"
_warm = None


def warm_up():
    """The shared font configuration and stylesheet, made on first use."""
    global _warm
    if _warm is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from . import housefont, titles
        from .fetcher import LockedURLFetcher, asset_url

        titles.prepare()
        config = FontConfiguration()
        housefont.register(config)
        stylesheet = CSS(
            url=asset_url(HOUSE_STYLESHEET), url_fetcher=LockedURLFetcher(), font_config=config
        )
        _warm = (config, stylesheet)
        _render_samples()
    return _warm


def _render_samples() -> None:
    from weasyprint.urls import FatalURLFetchingError

    from . import warmup

    try:
        for html, resources in warmup.samples():
            weasyprint_pdf(html, resources)
    except (Exception, FatalURLFetchingError):
        # Only time is lost: the children make what the samples would have made.
        logger.exception("The renderer's warm-up failed")
    # What the samples left behind is not frozen into every child (run_limited).
    gc.collect()


def layout_html(html: str, resources: dict[str, bytes] | None = None):
    """``html`` laid out in this process, as a WeasyPrint document (pages of boxes).

    Raises ``ResourceRefused`` if it asked for anything the fetcher refused."""
    from weasyprint import HTML

    from .fetcher import LockedURLFetcher

    font_config, stylesheet = warm_up()
    fetcher = LockedURLFetcher(resources)
    document = HTML(string=html, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=[stylesheet]
    )
    fetcher.check()
    return document


def weasyprint_pdf(html: str, resources: dict[str, bytes]) -> RenderedPdf:
    """Lay out and write ``html`` in this process (the child calls it)."""
    document = layout_html(html, resources)
    data = document.write_pdf()
    # Drawing fetches too (an SVG's images): refused there, the render still fails.
    document.url_fetcher.check()
    return RenderedPdf(data=data, pages=len(document.pages))


def check_render_resources(resources: dict[str, bytes] | None) -> dict[str, bytes]:
    """The resources of a render, checked in the parent (``RenderRefused`` if bad)."""
    from .fetcher import ResourceRefused, check_resources

    try:
        return check_resources(resources)
    except ResourceRefused as error:
        raise RenderRefused(
            _("A picture for the document is not a PNG, JPEG or GIF image.")
        ) from error


def render_html_pdf(html: str, *, resources: dict[str, bytes] | None = None) -> RenderedPdf:
    """Render one HTML document (that names its resources ``resource:<name>``)."""
    ensure_available()
    checked = check_render_resources(resources)
    warm_up()
    return run_limited(weasyprint_pdf, html, checked)


def document_html(document, *, stage: str = "final") -> tuple[str, dict[str, bytes]]:
    """The HTML of a document (any kind but the case file) and the resources it names."""
    from .contexts import build_context

    if stage not in STAGES:
        raise ValueError(f"Unknown stage {stage!r}")
    context, resources = build_context(document, stage=stage)
    return render_to_string(f"documents/{document.kind}.html", context), resources


def render_document_pdf(document, *, stage: str = "final") -> RenderedPdf:
    """The PDF of a ``documents.models.Document``; an agreement at its ``stage``:
    ``"signing"`` (empty signature lines) or ``"final"`` (the signatures filled in)."""
    from .models import DocumentKind

    if stage not in STAGES:
        raise ValueError(f"Unknown stage {stage!r}")
    ensure_available()
    if document.kind == DocumentKind.CASEFILE:
        from .casefile import assemble_case_file

        return assemble_case_file(document)
    html, resources = document_html(document, stage=stage)
    return render_html_pdf(html, resources=resources)


# The child process.

_CHILD_OK, _CHILD_MEMORY, _CHILD_REFUSED, _CHILD_ERROR = "ok", "memory", "refused", "error"


def _vm_size_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# The child's exit status when it ran out of memory before it could report anything.
_EXIT_MEMORY = 3


def _child(func: Callable, args: tuple, memory_mb: int, out_fd: int) -> None:
    from weasyprint.urls import FatalURLFetchingError

    from .fetcher import ResourceRefused

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A short life: nothing to collect that the exit does not free.
    gc.disable()
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        limit = _vm_size_bytes() + memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        # Only the soft limit: once the render has failed, the report gets room again.
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        outcome = (_CHILD_OK, func(*args))
    except MemoryError:
        outcome = (_CHILD_MEMORY, "")
    except (FatalURLFetchingError, ResourceRefused) as error:
        cause = error.__cause__ or error
        outcome = (_CHILD_REFUSED, str(cause)[:500])
    except BaseException as error:
        outcome = (_CHILD_ERROR, f"{type(error).__name__}: {error}"[:1000])
    try:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    view = memoryview(payload)
    while view:
        written = os.write(out_fd, view)
        view = view[written:]


def _read_until_eof(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None if the deadline passes first."""
    buffer = io.BytesIO()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _w, _x = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return buffer.getvalue()
        buffer.write(chunk)


def run_limited(func: Callable, *args):
    """``func(*args)`` in a forked child under the render limits; its return value.

    ``func`` must not touch the database; its arguments and result are copied by
    fork and pickle."""
    limits = settings.DOCUMENTS
    timeout = float(limits["RENDER_TIMEOUT_SECONDS"])
    memory_mb = int(limits["RENDER_MEMORY_MB"])
    read_fd, write_fd = os.pipe()
    # Objects the collector has seen stay put: the child's collector would otherwise
    # touch (and so copy) every page of the parent's heap.
    gc.freeze()
    try:
        pid = os.fork()
    except OSError as error:
        gc.unfreeze()
        os.close(read_fd)
        os.close(write_fd)
        raise RenderError(
            _("The renderer could not start: %(error)s") % {"error": error}
        ) from error
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        status = 0
        try:
            os.close(read_fd)
            _child(func, args, memory_mb, write_fd)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    gc.unfreeze()
    os.close(write_fd)
    try:
        payload = _read_until_eof(read_fd, time.monotonic() + timeout)
    except BaseException:
        # Interrupted while waiting: the child does not outlive the wait.
        payload = None
        raise
    finally:
        os.close(read_fd)
        if payload is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if payload is None:
        raise RenderTimeout(
            _("The document took longer than %(seconds)s seconds to render and was stopped.")
            % {"seconds": f"{timeout:g}"}
        )
    _pid, wait_status = os.waitpid(pid, 0)
    if not payload:
        # Gone without a word: out of memory in Python, or an allocation failed in C code
        # under the limit (which aborts).
        if os.WIFSIGNALED(wait_status) or os.waitstatus_to_exitcode(wait_status) == _EXIT_MEMORY:
            raise RenderTooLarge(_too_large_message(memory_mb))
        raise RenderError(_("The renderer stopped unexpectedly."))
    kind, value = pickle.loads(payload)
    if kind == _CHILD_OK:
        return value
    if kind == _CHILD_MEMORY:
        raise RenderTooLarge(_too_large_message(memory_mb))
    if kind == _CHILD_REFUSED:
        raise RenderRefused(
            _("The document asked for a resource that is not allowed: %(detail)s")
            % {"detail": value}
        )
    raise RenderError(_("The document could not be rendered: %(detail)s") % {"detail": value})


def _too_large_message(memory_mb: int) -> str:
    return _("The document is too large to render: it needed more than %(mb)s MB.") % {
        "mb": memory_mb
    }
