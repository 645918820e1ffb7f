"""The case file (卷宗, 人民调解法 art 27): one PDF that holds the whole case.

A cover (case number, parties, type, dates, result), a catalogue with the page where
each item starts, then every current issued document of the case in the order it was
made (its stored, sealed file), then every upload of the court referral in the order it
came: a PDF as it is, a PNG, JPEG or GIF image on an A4 page of its own, anything else
named in the catalogue as not included; last, the back page (卷内备考表) with the
closing block, whose seal box is at ``rendering.SEAL_BOX_MM`` like every document's.
The pages are numbered over the whole file at the top right (where archives number
their pages); each document keeps its own numbers at the bottom.

The parent reads the database and the files; a child under the render limits
(``rendering.run_limited``) parses the PDFs, lays out the cover, the catalogue and the
image pages, merges and stamps.
"""

import dataclasses
import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import CaseParty

from . import labels, rendering
from .contexts import qr_svg, referral_of, user_name, verify_url
from .fetcher import image_type, resource_url
from .models import Document, DocumentKind, DocumentStatus

MM = 72 / 25.4
NOT_SUPPORTED = "格式不支持，未收入"
UNREADABLE = "文件无法读取，未收入"
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


@dataclasses.dataclass
class Item:
    """One entry of the catalogue: a document, or an upload."""

    title: str
    number: str = ""
    date: str = ""
    pdf: bytes | None = None
    image: str | None = None
    note: str = ""
    start: int | None = None
    pages: int = 0

    @property
    def included(self) -> bool:
        return self.pdf is not None or self.image is not None

    @property
    def end(self) -> int | None:
        return None if self.start is None else self.start + self.pages - 1


def _read(field) -> bytes:
    with field.open("rb") as stream:
        return stream.read()


def collect_items(document: Document) -> tuple[list[Item], dict[str, bytes]]:
    """The case's current issued documents, then the referral's uploads, in order."""
    items: list[Item] = []
    resources: dict[str, bytes] = {}
    issued = (
        Document.objects.filter(case=document.case, status=DocumentStatus.ISSUED)
        .exclude(kind=DocumentKind.CASEFILE)
        .order_by("created_at", "id")
    )
    for doc in issued:
        if not doc.pdf:
            continue
        items.append(
            Item(
                title=labels.TITLES[doc.kind],
                number=doc.number,
                date=labels.compact_date(doc.issued_at or doc.created_at),
                pdf=_read(doc.pdf),
            )
        )
    referral = referral_of(document.case)
    uploads = referral.documents.order_by("uploaded_at", "id") if referral is not None else []
    for upload in uploads:
        data = _read(upload.file)
        item = Item(title=upload.name, date=labels.compact_date(upload.uploaded_at))
        mime = image_type(data)
        if data.startswith(b"%PDF-"):
            item.pdf = data
        elif mime is not None:
            name = f"upload-{upload.pk}.{_EXTENSIONS[mime]}"
            resources[name] = data
            item.image = resource_url(name)
        else:
            item.note = NOT_SUPPORTED
        items.append(item)
    return items, resources


def cover_context(document: Document) -> dict:
    case = document.case
    parties = CaseParty.objects.filter(case=case).select_related("person").order_by("id")
    referral = referral_of(case)
    mediator = case.mediator if case.mediator_id else getattr(referral, "mediator", None)
    url = verify_url(document)
    return {
        "kind": document.kind,
        "title": labels.TITLES[DocumentKind.CASEFILE],
        "number": document.number,
        "issuer_name": document.issuer.name,
        "issued_on": labels.date_text(document.issued_at or timezone.now()),
        "case_number": case.number,
        "case_title": case.title,
        "dispute_type": labels.label(labels.DISPUTE_TYPES, case.dispute_type),
        "channel": labels.label(labels.CHANNELS, case.channel),
        "parties": [
            f"{labels.label(labels.PARTY_ROLES, p.role)}：{p.person.name}" for p in parties
        ],
        "reported_on": labels.date_text(case.reported_at),
        "accepted_on": labels.date_text(case.accepted_at),
        "closed_on": labels.date_text(case.closed_at),
        "result": labels.label(labels.CASE_OUTCOMES, case.outcome),
        "mediator_name": user_name(mediator),
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "closing_lines": [("立卷人", user_name(document.created_by))],
    }


def assemble_case_file(document: Document) -> rendering.RenderedPdf:
    """The case file of ``document`` (kind casefile), rendered under the render limits."""
    if document.kind != DocumentKind.CASEFILE:
        raise ValueError("Not a case file")
    rendering.ensure_available()
    items, resources = collect_items(document)
    context = cover_context(document)
    rendering.check_render_resources(resources)
    rendering.warm_up()
    return rendering.run_limited(_assemble, context, items, resources)


# In the child.


def _read_pdf(item: Item):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(item.pdf))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted")
        item.pages = len(reader.pages)
    except Exception:
        item.pdf, item.note, item.pages = None, UNREADABLE, 0
        return None
    if item.pages == 0:
        item.pdf, item.note = None, UNREADABLE
        return None
    return reader


# Rows of the catalogue on one page, for a first guess of its length.
CATALOGUE_ROWS_PER_PAGE = 25


def _front(context: dict, items: list[Item]):
    """The cover and catalogue, laid out until the page numbers they print hold.

    The material starts after them; the back page (卷内备考表) ends the file."""
    for item in items:
        if item.image is not None:
            item.pages = 1
    front_pages = 1 + max(1, -(-(len(items) + 2) // CATALOGUE_ROWS_PER_PAGE))
    for _attempt in range(4):
        page = front_pages + 1
        for item in items:
            if item.included:
                item.start, page = page, page + item.pages
        context.update(items=items, front_pages=front_pages, back_page=page, total_pages=page)
        html = render_to_string("documents/casefile.html", context)
        rendered = rendering.weasyprint_pdf(html, {})
        if rendered.pages == front_pages:
            return rendered
        front_pages = rendered.pages
    raise rendering.RenderError(_("The catalogue of the case file could not be laid out."))


def _tail(context: dict, items: list[Item], resources: dict[str, bytes]):
    """The uploaded images, one A4 page each, then the back page with the seal's box."""
    from pypdf import PdfReader

    images = [item for item in items if item.image is not None]
    context.update(
        images=images,
        included_count=sum(1 for item in items if item.included),
        excluded=[item for item in items if not item.included],
    )
    html = render_to_string("documents/casefile_tail.html", context)
    rendered = rendering.weasyprint_pdf(html, resources)
    if rendered.pages != len(images) + 1:
        raise rendering.RenderError(_("An image did not fit on one page of the case file."))
    return PdfReader(io.BytesIO(rendered.data))


def _stamp(writer) -> None:
    """Each page's number in the whole file, at the top right of what is shown."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Times-Bold"),
        }
    )
    for number, page in enumerate(writer.pages, start=1):
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.cropbox
        size = 12
        width = len(str(number)) * 0.5 * size
        x = float(box.right) - 16 * MM - width
        y = float(box.top) - 14 * MM
        overlay = PageObject.create_blank_page(width=float(box.width), height=float(box.height))
        overlay[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/FCasePage"): font})}
        )
        stream = DecodedStreamObject()
        stream.set_data(f"BT /FCasePage {size} Tf {x:.2f} {y:.2f} Td ({number}) Tj ET".encode())
        overlay[NameObject("/Contents")] = stream
        page.merge_page(overlay)


def _assemble(context: dict, items: list[Item], resources: dict[str, bytes]):
    from pypdf import PdfWriter

    readers = {id(item): _read_pdf(item) for item in items if item.pdf is not None}
    front = _front(context, items)
    tail = _tail(context, items, resources)
    writer = PdfWriter()
    writer.append(io.BytesIO(front.data))
    image_index = 0
    for item in items:
        if item.pdf is not None:
            for page in readers[id(item)].pages:
                writer.add_page(page)
        elif item.image is not None:
            writer.add_page(tail.pages[image_index])
            image_index += 1
    writer.add_page(tail.pages[-1])
    _stamp(writer)
    writer.add_metadata({"/Title": f"{context['title']} {context['case_number']}"})
    out = io.BytesIO()
    writer.write(out)
    return rendering.RenderedPdf(data=out.getvalue(), pages=len(writer.pages))
