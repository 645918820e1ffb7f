"""Helpers of the seal and verification tests: a two-page PDF, seals in a temporary
certificate directory, a register entry for a sealed file, and ways to tamper with one."""

import functools
import hashlib
import io
import itertools
import secrets
from pathlib import Path

from django.conf import settings as django_settings
from django.utils import timezone

from documents.certificates import issue_dev_certificates
from documents.models import Document, DocumentKind, DocumentStatus
from tests.factories import report_case

_serial = itertools.count(1)

_PAGE = "<p>甲乙双方经人民调解委员会主持调解，自愿达成如下协议，共同遵守。</p>" * 14


@functools.cache
def two_page_pdf() -> bytes:
    """A two-page Chinese PDF, as the renderer would make it (without the seal)."""
    import weasyprint

    html = (
        "<html><body style='font-family: \"Noto Serif CJK SC\"'>"
        f"<h1>人民调解协议书</h1>{_PAGE}"
        f"<div style='page-break-before: always'>{_PAGE}</div></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def use_certificate_dir(settings, directory: Path) -> Path:
    """Point DOCUMENTS at ``directory`` with no configured seals or extra trust roots."""
    settings.DOCUMENTS = {
        **django_settings.DOCUMENTS,
        "CERTIFICATE_DIR": directory,
        "SEALS": {},
        "TRUST_ROOTS": [],
    }
    return directory


def issue(directory: Path, *organisations) -> None:
    issue_dev_certificates(organisations=organisations, directory=directory)


def register(case, data: bytes, *, status=DocumentStatus.ISSUED, **fields) -> Document:
    """A document of ``case`` whose issued file is ``data`` (by its SHA-256)."""
    n = next(_serial)
    fields.setdefault("number", f"经开调协〔2026〕{n}号")
    fields.setdefault("token", secrets.token_hex(16))
    fields.setdefault("kind", DocumentKind.AGREEMENT)
    if status in (DocumentStatus.ISSUED, DocumentStatus.SUPERSEDED):
        fields.setdefault("issued_at", timezone.now())
    return Document.objects.create(
        case=case,
        issuer=case.handling_org,
        status=status,
        sha256=hashlib.sha256(data).hexdigest() if data else "",
        size=len(data) or None,
        **fields,
    )


def a_case(district):
    return report_case(handling_org=district.district, actor=district.centre_staff)


def flip_signed_byte(data: bytes) -> bytes:
    """``data`` with one byte changed inside the first page's content, which the seal
    covers; the PDF's structure stays readable."""
    position = data.index(b"stream\n") + len(b"stream\n") + 40
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def append_text_update(data: bytes, text: str = "赔偿金额改为人民币30000元") -> bytes:
    """``data`` with an incremental update that draws more text on the first page."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    stream = generic.StreamObject(
        stream_data=b"BT /FX 14 Tf 72 700 Td (%s) Tj ET" % text.encode("ascii", "replace")
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/FX"): font})}
    )
    writer.add_stream_to_page(0, writer.add_object(stream), resources=resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def strip_seal(data: bytes) -> bytes:
    """``data`` rewritten without its signature field and widget."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if "/AcroForm" in writer._root_object:
        del writer._root_object[NameObject("/AcroForm")]
    for page in writer.pages:
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
