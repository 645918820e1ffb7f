"""The organisation's seal: a PAdES signature with a visible stamp, made with pyHanko.

Only the organisation seals a document cryptographically; the parties' and the mediator's
signatures are records (``documents.models.Signature``). No timestamp authority is
reachable, so a seal is PAdES B-B: its time is the signer's clock.
"""

import datetime
import io
import math
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
from documents.rendering import SEAL_BOX_MM
from documents.stampfont import StampFontUnavailable, stamp_font

# The seal's red (印泥) and the room, in points, kept between the seal and its box.
SEAL_RED = (0.82, 0.08, 0.08)
_INSET = 1.5
REASON = "出具文书并加盖电子印章"
LABEL = "电子印章"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_MM = 72 / 25.4


class SealUnavailable(RuntimeError):
    """The organisation's seal cannot be used: no certificate, or it does not open."""


class SealStampStyle(TextStampStyle):
    """A round red seal: the organisation's name along the upper arc, a star, "电子印章"
    and the signing time, as on a Chinese official seal."""

    def create_stamp(self, writer, box, text_params):
        return SealStamp(writer=writer, style=self, box=box, text_params=text_params)


def _local_time(text: str) -> str:
    moment = datetime.datetime.strptime(text, _TS_FORMAT)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _circle(cx: float, cy: float, r: float) -> bytes:
    k = 0.5523 * r  # four Bézier quarter arcs
    return (
        b"%g %g m %g %g %g %g %g %g c %g %g %g %g %g %g c %g %g %g %g %g %g c %g %g %g %g %g %g c"
        % (
            *(cx + r, cy),
            *(cx + r, cy + k, cx + k, cy + r, cx, cy + r),
            *(cx - k, cy + r, cx - r, cy + k, cx - r, cy),
            *(cx - r, cy - k, cx - k, cy - r, cx, cy - r),
            *(cx + k, cy - r, cx + r, cy - k, cx + r, cy),
        )
    )


def _star(cx: float, cy: float, r: float) -> bytes:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    path = b"%g %g m " % points[0] + b" ".join(b"%g %g l" % p for p in points[1:])
    return path + b" h f"


class SealStamp(TextStamp):
    def _shaped(self, engine, text: str, size: float):
        engine.font_size = size
        return engine.shape(text)

    def _centred(self, engine, text: str, size: float, cx: float, y: float, spacing=0.0):
        shaped = self._shaped(engine, text, size)
        drawn = shaped.x_advance * size + spacing * max(len(text) - 1, 0)
        return b"BT /F1 %g Tf %g Tc %g %g Td %s ET" % (
            size,
            spacing,
            cx - drawn / 2,
            y,
            shaped.graphics_ops,
        )

    def _arc(self, engine, text: str, cx: float, cy: float, radius: float) -> bytes:
        """``text`` along the upper arc, each glyph upright towards the rim, left to right."""
        if not text:
            return b""
        span = math.radians(232)
        # As large as fits in the span (CJK glyphs are 1 em wide, plus 15 % spacing).
        size = max(min(radius * 0.3, span * radius / (len(text) * 1.2)), 3.0)
        baseline = radius - size * 0.95
        step = min(span / len(text), size * 1.2 / baseline)
        first = math.pi / 2 + step * (len(text) - 1) / 2
        ops = []
        for i, ch in enumerate(text):
            theta = first - i * step
            shaped = self._shaped(engine, ch, size)
            half = shaped.x_advance * size / 2
            # The glyph's baseline is the tangent; its origin is half a glyph before.
            x = cx + baseline * math.cos(theta) - half * math.sin(theta)
            y = cy + baseline * math.sin(theta) + half * math.cos(theta)
            phi = theta - math.pi / 2
            ops.append(
                b"BT /F1 %g Tf %.4f %.4f %.4f %.4f %.2f %.2f Tm %s ET"
                % (
                    size,
                    math.cos(phi),
                    math.sin(phi),
                    -math.sin(phi),
                    math.cos(phi),
                    x,
                    y,
                    shaped.graphics_ops,
                )
            )
        return b" ".join(ops)

    def _render_inner_content(self):
        params = dict(self.text_params or {})
        engine = self.style.text_box_style.font.create_font_engine(self.writer)
        self.set_resource(
            category=ResourceType.FONT, name=generic.pdf_name("/F1"), value=engine.as_resource()
        )
        width, height = self.box.width, self.box.height
        cx, cy = width / 2, height / 2
        r = min(width, height) / 2 - _INSET
        rim = max(r * 0.045, 1.2)
        signed_at = _local_time(params["ts"]) if params.get("ts") else ""
        label_size = r * 0.17
        time_size = min(r * 0.1, 1.6 * (r * 0.8) / max(len(signed_at), 1))
        ops = [
            b"q %g %g %g rg %g %g %g RG %g w" % (*SEAL_RED, *SEAL_RED, rim),
            _circle(cx, cy, r - rim / 2) + b" S",
            self._arc(engine, params.get("organisation", ""), cx, cy, r - rim * 2.5),
            _star(cx, cy + r * 0.04, r * 0.27),
            self._centred(engine, LABEL, label_size, cx, cy - r * 0.46, spacing=label_size * 0.1),
            self._centred(engine, signed_at, time_size, cx, cy - r * 0.66),
            b"Q",
        ]
        return [b" ".join(op for op in ops if op)]

    def _text_layout(self):  # pragma: no cover - SealStamp lays out its own text
        raise NotImplementedError


class _StampFontFactory(GlyphAccumulatorFactory):
    """The stamp font's accumulator, spared two costly steps of writing its font: the
    font is already the subset the stamp draws (``documents.stampfont``), so it is
    embedded as it is rather than subset again, and fontTools does not recompute the
    font's bounding box from every glyph's outline. Together they were half a seal's
    time."""

    def create_font_engine(self, writer, obj_stream=None):
        engine = super().create_font_engine(writer, obj_stream)
        engine.tt.recalcBBoxes = False
        engine._subset_created = True  # GlyphAccumulator.prepare_write skips its subsetting
        return engine


def _stamp_style(font_path: Path) -> SealStampStyle:
    return SealStampStyle(
        stamp_text="",
        timestamp_format=_TS_FORMAT,
        border_width=0,
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


def bytes_reserved(signer: signers.SimpleSigner) -> int:
    """Room for the CMS object, in hex digits as pyHanko counts it: its certificates plus
    1.5 KB for the signed attributes and the signature value (an EC P-256 seal with its
    CA is 1.8 KB, 3.6 K digits). Sized from the chain, it spares pyHanko a trial
    signature; kept tight, because every verification reads the whole placeholder."""
    certificates = [signer.signing_cert, *signer.cert_registry]
    needed = 2 * (1536 + sum(len(certificate.dump()) for certificate in certificates))
    return -(-needed // 1024) * 1024


def default_box() -> tuple[int, int, int, int]:
    """The box the renderer leaves for the seal (``rendering.SEAL_BOX_MM``), in points."""
    x, y, w, h = (v * _MM for v in SEAL_BOX_MM)
    return round(x), round(y), round(x + w), round(y + h)


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
    default); without it the seal goes where the renderer left room for it. Raises SealUnavailable
    when the organisation has no usable certificate or no font can draw the stamp, and
    ValueError when ``data`` is not a PDF that can be sealed.
    """
    signer = seal_signer(organisation)
    try:
        font = stamp_font(organisation.name)
    except StampFontUnavailable as error:
        raise SealUnavailable(str(error)) from error
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
        new_field_spec=fields.SigFieldSpec(field_name, on_page=on_page, box=box or default_box()),
    )
    try:
        out = pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(data), strict=False),
            bytes_reserved=bytes_reserved(signer),
            appearance_text_params={"organisation": font.fit(organisation.name)},
        )
    except PdfError as error:
        raise ValueError(_("The PDF could not be sealed: %(error)s") % {"error": error}) from error
    return out.getvalue()
