"""Parties, links, codes and documents for the party portal's tests.

Messages go to ``mediation.sms.LocmemBackend``; a test reads the link and the codes
from its outbox, as a party reads them on their phone.
"""

import hashlib
import io
import itertools
import re
import secrets

from django.core.files.base import ContentFile
from django.urls import reverse

from documents.models import Document, DocumentKind, DocumentStatus
from documents.portal import services
from mediation import sms
from mediation.models import PartyRole, Person
from tests.documents.lifecycle import dispatch_to_grid
from tests.factories import make_id_number, natural, report_case

LINK_RE = re.compile(r"/portal/([A-Za-z0-9_-]{43})/")
CODE_RE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
APPLICANT_PHONE = "13800138000"
RESPONDENT_PHONE = "13900139000"
# Document numbers short enough not to look like a six-digit code in a message.
_serial = itertools.count(1)


def use_locmem(settings, tmp_path=None):
    settings.SMS_BACKEND = "mediation.sms.LocmemBackend"
    if tmp_path is not None:
        settings.MEDIA_ROOT = tmp_path / "media"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def two_party_case(district, **fields):
    """A case at the street with two parties who both have mobile phones."""
    parties = [
        natural("张三", PartyRole.APPLICANT, id_number=make_id_number(), phone=APPLICANT_PHONE),
        natural("李四", PartyRole.RESPONDENT, phone=RESPONDENT_PHONE),
    ]
    case = report_case(
        handling_org=district.street, actor=district.street_staff, parties=parties, **fields
    )
    # The intake form does not ask for an email yet; the respondent gave one.
    Person.objects.filter(case_parties__case=case, name="李四").update(email="lisi@example.com")
    return case


def handled_case(district, **fields):
    """A two-party case dispatched to the grid worker, its mediator."""
    return dispatch_to_grid(district, two_party_case(district, **fields))


def party(case, role=PartyRole.APPLICANT):
    return case.parties.select_related("person").get(role=role)


def last_sms(phone: str) -> str:
    texts = [m.text for m in sms.outbox if m.phone == phone]
    assert texts, f"no text message to {phone}"
    return texts[-1]


def send_link(party, actor, capture, channel="sms") -> str:
    """Staff send ``party`` a link; returns the token from the message."""
    with capture(execute=True):
        services.portal_link_send(party=party, channel=channel, actor=actor)
    return LINK_RE.search(last_sms(party.person.phone)).group(1)


def ask_code(client, token, capture):
    with capture(execute=True):
        return client.post(reverse("portal:open", args=[token]), {"action": "send"})


def code_in(text: str) -> str:
    return CODE_RE.search(text).group(1)


def open_portal(client, party, actor, capture) -> str:
    """Send the link, ask for a code, enter it: the client holds the party's session."""
    token = send_link(party, actor, capture)
    ask_code(client, token, capture)
    code = code_in(last_sms(party.person.phone))
    response = client.post(reverse("portal:open", args=[token]), {"code": code})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    return token


def pdf_bytes(text: str = "agreement") -> bytes:
    """A small valid PDF, as a render would leave."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signing_agreement(case, body: bytes | None = None) -> Document:
    """An agreement out for signing, as its render leaves it: the copy for signing
    and its hash (the render itself is the lifecycle's tests' concern)."""
    body = body or pdf_bytes(f"agreement {case.number}")
    document = Document.objects.create(
        case=case,
        kind=DocumentKind.AGREEMENT,
        number=f"测试调协〔2026〕{next(_serial)}号",
        token=secrets.token_hex(16),
        issuer=case.handling_org,
        status=DocumentStatus.SIGNING,
        content={"terms": "赔偿三千元"},
        signing_sha256=hashlib.sha256(body).hexdigest(),
    )
    document.signing_pdf.save(f"{document.pk}-signing.pdf", ContentFile(body), save=True)
    return document


def issued_document(case, kind=DocumentKind.TERMINATION, body: bytes | None = None) -> Document:
    body = body or pdf_bytes(f"{kind} {case.number}")
    document = Document.objects.create(
        case=case,
        kind=kind,
        number=f"测试调终〔2026〕{next(_serial)}号",
        token=secrets.token_hex(16),
        issuer=case.handling_org,
        status=DocumentStatus.ISSUED,
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
    )
    document.pdf.save(f"{document.pk}.pdf", ContentFile(body), save=True)
    return document


def png_data_url(width=300, height=120, ink=True, fmt="PNG") -> str:
    import base64

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line(
            [(10, height - 20), (width // 3, 20), (width - 10, height - 30)],
            fill=(0, 0, 0, 255),
            width=4,
        )
    out = io.BytesIO()
    image.convert("RGB" if fmt == "JPEG" else "RGBA").save(out, format=fmt)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
