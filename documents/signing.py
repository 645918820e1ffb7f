"""The organisation's seal: a PAdES signature with a visible stamp, made with pyHanko.

Only the organisation seals a document cryptographically; the parties' and the mediator's
signatures are records (``documents.models.Signature``). No timestamp authority is
reachable, so a seal is PAdES B-B: its time is the signer's clock.
"""

import datetime
import io
import threading
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStamp, TextStampStyle

from documents.certificates import seal_source
from documents.stampfont import StampFontUnavailable, stamp_font

# The stamp's red (a seal's 印泥 red) and its size in points: 60 mm × 26 mm.
SEAL_RED = (0.80, 0.07, 0.07)
STAMP_SIZE = (170, 74)
# Lower-right placement when the renderer does not say where the seal goes: this far from
# the page's right and bottom edges.
STAMP_MARGIN = (60, 70)
# Room for the CMS object: an EC P-256 seal with its chain needs about 2.2 KB (hex
# doubles it); a generous fixed reserve spares pyHanko a trial signature to measure it.
BYTES_RESERVED = 12 * 1024
REASON = "出具文书并加盖电子印章"
LABEL = "电子印章"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class SealUnavailable(RuntimeError):
    """The organisation's seal cannot be used: no certificate, or it does not open."""


class SealStampStyle(TextStampStyle):
    """A seal-like stamp: a red double frame around the organisation's name, "电子印章"
    and the signing time, centred."""

    def create_stamp(self, writer, box, text_params):
        return SealStamp(writer=writer, style=self, box=box, text_params=text_params)


def _local_time(text: str) -> str:
    moment = datetime.datetime.strptime(text, _TS_FORMAT)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


class SealStamp(TextStamp):
    def _line(self, engine, text: str, size: float, width: float, y: float, spacing=0.0):
        engine.font_size = size
        shaped = engine.shape(text)
        drawn = shaped.x_advance * size + spacing * max(len(text) - 1, 0)
        x = max((width - drawn) / 2, 0)
        return b"BT /F1 %g Tf %g Tc %g %g Td %s ET" % (size, spacing, x, y, shaped.graphics_ops)

    def _render_inner_content(self):
        params = dict(self.text_params or {})
        font = self.style.text_box_style.font
        engine = font.create_font_engine(self.writer)
        self.set_resource(
            category=ResourceType.FONT, name=generic.pdf_name("/F1"), value=engine.as_resource()
        )
        width, height = self.box.width, self.box.height
        name = params.get("organisation", "")
        # The name in one line as large as fits (at most 13 pt), else in two lines.
        engine.font_size = 1
        name_em = engine.shape(name).x_advance or 1
        usable = width - 16
        name_lines = [name]
        name_size = min(13.0, usable / name_em)
        if name_size < 8 and len(name) > 1:
            half = (len(name) + 1) // 2
            name_lines = [name[:half], name[half:]]
            name_size = min(13.0, usable / max(name_em * half / len(name), 0.01))
        name_size = max(min(name_size, 13.0), 4.0)
        label_size, time_size, gap = 11.0, 7.5, 3.0
        total = len(name_lines) * name_size * 1.15 + label_size + time_size + 2 * gap
        y = (height + total) / 2
        ops = [b"q %g %g %g rg" % SEAL_RED]
        for line in name_lines:
            y -= name_size * 1.15
            ops.append(self._line(engine, line, name_size, width, y + name_size * 0.12))
        y -= gap + label_size
        ops.append(self._line(engine, LABEL, label_size, width, y, spacing=label_size * 0.35))
        y -= gap + time_size
        signed_at = _local_time(params["ts"]) if params.get("ts") else ""
        ops.append(self._line(engine, signed_at, time_size, width, y))
        # The inner frame of the double border (the outer one is the stamp's own border).
        ops.append(b"%g %g %g RG 0.6 w 4 4 %g %g re S Q" % (*SEAL_RED, width - 8, height - 8))
        return [b" ".join(ops)]

    def _text_layout(self):  # pragma: no cover - SealStamp lays out its own lines
        raise NotImplementedError


class _StampFontFactory(GlyphAccumulatorFactory):
    """The stamp font's accumulator without fontTools' font bounding box recomputation
    when the subset is written: it runs every glyph's outline, a third of a seal's time."""

    def create_font_engine(self, writer, obj_stream=None):
        engine = super().create_font_engine(writer, obj_stream)
        engine.tt.recalcBBoxes = False
        return engine


def _stamp_style(font_path: Path) -> SealStampStyle:
    return SealStampStyle(
        stamp_text="",
        timestamp_format=_TS_FORMAT,
        border_width=2,
        border_color=SEAL_RED,
        text_box_style=TextBoxStyle(font=_StampFontFactory(str(font_path))),
    )


# Loaded signers, by PKCS#12 file and its version: loading one costs a few milliseconds.
_signers: dict[tuple, signers.SimpleSigner] = {}
_signers_lock = threading.Lock()


def seal_signer(organisation) -> signers.SimpleSigner:
    """The organisation's seal key and certificate; SealUnavailable if it cannot be used."""
    source = seal_source(organisation.code)
    fix = _(
        'Set its PKCS#12 file in DOCUMENTS["SEALS"], or for development run '
        "“manage.py issue_dev_certificates”."
    )
    try:
        stat = source.path.stat()
    except OSError:
        raise SealUnavailable(
            _("The seal of %(organisation)s is not available: there is no certificate at %(path)s.")
            % {"organisation": organisation.name, "path": source.path}
            + " "
            + fix
        ) from None
    key = (str(source.path), stat.st_mtime_ns, stat.st_size, source.passphrase)
    with _signers_lock:
        signer = _signers.get(key)
    if signer is not None:
        return signer
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            source.path.read_bytes(), other_certs=[], passphrase=source.passphrase.encode()
        )
    except (OSError, ValueError) as error:
        raise SealUnavailable(
            _("The seal of %(organisation)s cannot be opened (%(path)s): %(error)s.")
            % {"organisation": organisation.name, "path": source.path, "error": error}
            + " "
            + fix
        ) from error
    with _signers_lock:
        _signers[key] = signer
    return signer


def _page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float]:
    page_ref, _resources = writer.find_page_for_modification(page)
    node = page_ref.get_object()
    while node is not None:
        if "/MediaBox" in node:
            llx, lly, urx, ury = (float(v) for v in node["/MediaBox"])
            return urx - llx, ury - lly
        node = node.get_object().get("/Parent")
        node = node.get_object() if node is not None else None
    return 595.28, 841.89  # A4


def default_box(page_width: float) -> tuple[int, int, int, int]:
    """The stamp's box in the lower right corner of a page ``page_width`` points wide."""
    width, height = STAMP_SIZE
    right, bottom = STAMP_MARGIN
    x = round(page_width - right - width)
    return x, bottom, x + width, bottom + height


def seal_pdf(
    data: bytes,
    *,
    organisation,
    field_name: str = "seal",
    on_page: int = -1,
    box: tuple[int, int, int, int] | None = None,
) -> bytes:
    """``data`` sealed by ``organisation``: a PAdES B-B signature with a visible stamp.

    ``box`` is (left, bottom, right, top) in points on page ``on_page`` (the last page by
    default); without it the stamp goes in the lower right corner. Raises SealUnavailable
    when the organisation has no usable certificate or no font can draw the stamp.
    """
    signer = seal_signer(organisation)
    try:
        font = stamp_font(organisation.name)
    except StampFontUnavailable as error:
        raise SealUnavailable(str(error)) from error
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if box is None:
        box = default_box(_page_size(writer, on_page)[0])
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=organisation.name,
        reason=REASON,
        location=organisation.address or organisation.name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=_stamp_style(font.path),
        new_field_spec=fields.SigFieldSpec(field_name, on_page=on_page, box=box),
    )
    try:
        out = pdf_signer.sign_pdf(
            writer,
            bytes_reserved=BYTES_RESERVED,
            appearance_text_params={"organisation": font.fit(organisation.name)},
        )
    except PdfError as error:
        raise ValueError(_("The PDF could not be sealed: %(error)s") % {"error": error}) from error
    return out.getvalue()
