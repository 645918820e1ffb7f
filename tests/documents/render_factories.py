"""Rows for the rendering tests: a case with parties, and a document of each kind."""

import datetime
import io
import itertools
import secrets
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import Document, DocumentKind, DocumentStatus, Signature
from mediation.models import CaseParty, PartyRole, ReturnVisit
from mediation.models.referrals import Referral, ReferralDocument
from mediation.models.sessions import MediationSession, SessionAttendance
from tests.factories import UserFactory, make_id_number, natural, report_case

_serial = itertools.count(1)

AGREEMENT_CONTENT = {
    "facts": "李四家卫生间防水层老化，2026年3月起多次漏水，浸泡张三家客厅天花板。",
    "disputed_matters": "漏水造成的损失数额及维修责任。",
    "responsibilities": "李四对漏水负主要责任；张三未及时通知物业，负次要责任。",
    "terms": "李四于2026年5月31日前修复卫生间防水层\n李四赔偿张三天花板修复费用人民币3000元",
    "performance": "李四以银行转账方式向张三一次性支付。",
    "performance_due": "2026-05-31",
}


def make_case(district, *, parties=None, **fields):
    mediator = fields.pop("mediator", None) or UserFactory(first_name="王调解")
    case = report_case(handling_org=district.street, parties=parties, **fields)
    case.mediator = mediator
    case.accepted_at = timezone.now()
    case.save(update_fields=["mediator", "accepted_at"])
    return case


def make_document(case, kind, *, issuer=None, **fields) -> Document:
    n = next(_serial)
    fields.setdefault("number", f"测试调协〔2026〕{n}号")
    fields.setdefault("token", secrets.token_hex(16))
    fields.setdefault("status", DocumentStatus.QUEUED)
    return Document.objects.create(
        case=case, kind=kind, issuer=issuer or case.handling_org, **fields
    )


def make_agreement(case, **fields) -> Document:
    fields.setdefault("content", dict(AGREEMENT_CONTENT))
    fields.setdefault("agreed_amount", Decimal("3000.00"))
    return make_document(case, DocumentKind.AGREEMENT, **fields)


def png_bytes(width=240, height=80) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 60), (230, 15)], fill="black", width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sign_all(document: Document, *, drawn_first: bool = True) -> None:
    """Every party signs, the first with a drawn image, then the mediator, by code."""
    for index, party in enumerate(CaseParty.objects.filter(case=document.case).order_by("id")):
        signature = Signature(
            document=document,
            role="party",
            party=party,
            name=party.person.name,
            method="drawn" if drawn_first and index == 0 else "code",
            document_sha256="0" * 64,
        )
        if drawn_first and index == 0:
            signature.image.save("sig.png", ContentFile(png_bytes()), save=False)
        signature.save()
    Signature.objects.create(
        document=document,
        role="mediator",
        user=document.case.mediator,
        name=document.case.mediator.get_full_name(),
        method="login",
        document_sha256="0" * 64,
    )
    document.effective_at = timezone.now()
    document.save(update_fields=["effective_at"])


def make_session(case, *, statement="张三称：漏水已持续两个月。") -> MediationSession:
    session = MediationSession.objects.create(
        case=case,
        scheduled_at=timezone.now(),
        place="太湖街道调处中心第一调解室",
        public=False,
        status="held",
        statements="调解员告知双方权利义务后，双方分别陈述。",
        outcome="agreement",
        outcome_note="双方同意签订调解协议。",
    )
    for index, party in enumerate(CaseParty.objects.filter(case=case).order_by("id")):
        SessionAttendance.objects.create(
            session=session, party=party, present=True, statement=statement if index == 0 else ""
        )
    return session


def make_referral(case, court, **fields) -> Referral:
    fields.setdefault("kind", "delegation")
    fields.setdefault("claim", "请求判令被告赔偿损失人民币3000元。")
    return Referral.objects.create(
        case=case,
        court=court,
        centre=case.handling_org,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        **fields,
    )


def add_upload(referral, name: str, data: bytes, kind="material") -> ReferralDocument:
    upload = ReferralDocument(referral=referral, kind=kind, name=name, size=len(data))
    upload.file.save(name, ContentFile(data), save=False)
    upload.save()
    return upload


def make_visit(case, *, notes="双方已按协议履行，关系缓和。") -> ReturnVisit:
    return ReturnVisit.objects.create(
        case=case,
        due_on=timezone.localdate(),
        result="stable",
        notes=notes,
        visitor=case.mediator,
        visited_at=timezone.now(),
    )


def three_parties():
    return [
        natural("张三", PartyRole.APPLICANT, id_number=make_id_number(), address="太湖路1号"),
        natural("李四", PartyRole.RESPONDENT, phone=""),
        natural("王五", PartyRole.THIRD_PARTY, id_number=make_id_number()),
    ]
