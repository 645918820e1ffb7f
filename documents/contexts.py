"""What each document template is given: read from the database in the parent process.

``build_context(document, stage=...)`` returns the template context and the in-memory
resources (drawn signature images) the render may fetch by name. Text that people typed
goes into the context as plain strings: the templates escape it. Missing optional data
is "" or None, which the templates print as blank lines.
"""

import datetime
from decimal import Decimal

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from mediation.models import Case, CaseParty
from mediation.models.referrals import Referral

from . import labels
from .fetcher import image_type
from .models import Document, DocumentKind, DocumentStatus, SignerRole

# The period of a court referral, in days (特邀调解规定 art 19): 委派 30; 委托 15 under
# the ordinary procedure, 7 under the simple one.
DELEGATION_DAYS, ENTRUSTMENT_DAYS, ENTRUSTMENT_SIMPLE_DAYS = 30, 15, 7

DEFAULT_OTHER_ROUTES = (
    "当事人可以依法通过仲裁、行政、司法等途径维护自己的权利；"
    "属于人民法院受理范围的，可以向有管辖权的人民法院提起诉讼。"
)


def text(value) -> str:
    """A content value as text: a list is one item a line; nothing is ""."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(text(item) for item in value)
    return str(value).strip()


def text_lines(value) -> list[str]:
    return [line.strip() for line in text(value).splitlines() if line.strip()]


def user_name(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or "").strip() or user.get_username()


def verify_url(document: Document) -> str:
    return f"{settings.SITE_URL}/verify/{document.token}/"


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG markup, made here (nothing to fetch)."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(omitsize=True, border=0, svgclass="qr", lineclass=None))


def referral_of(case: Case) -> Referral | None:
    return Referral.objects.select_related("court", "centre", "mediator").filter(case=case).first()


def mediator_of(case: Case, referral: Referral | None):
    if case.mediator_id:
        return case.mediator
    return referral.mediator if referral is not None else None


def party_rows(case: Case) -> list[dict]:
    """The parties' basic information (人民调解法 art 29), in the order they were entered."""
    rows = []
    parties = CaseParty.objects.filter(case=case).select_related("person", "agent")
    for party in parties.order_by("id"):
        person, agent = party.person, party.agent
        legal = person.kind == "legal"
        rows.append(
            {
                "pk": party.pk,
                "role": labels.label(labels.PARTY_ROLES, party.role),
                "name": person.name,
                "legal": legal,
                "id_label": "统一社会信用代码" if legal else "公民身份号码",
                "id_value": person.credit_code if legal else person.id_number,
                "address_label": "住所" if legal else "住址",
                "address": person.address,
                "phone": person.phone,
                "legal_representative": person.legal_representative,
                "agent": None
                if agent is None
                else {"name": agent.name, "relation": party.agent_relation, "phone": agent.phone},
            }
        )
    return rows


def _common(document: Document, stage: str) -> dict:
    case = document.case
    referral = referral_of(case)
    url = verify_url(document)
    issued = document.issued_at or document.rendered_at or timezone.now()
    return {
        "kind": document.kind,
        "stage": stage,
        "title": labels.TITLES[document.kind],
        "number": document.number,
        "issuer_name": document.issuer.name,
        "issued_on": labels.date_text(issued),
        "case": case,
        "case_number": case.number,
        "case_title": case.title,
        "dispute_type": labels.label(labels.DISPUTE_TYPES, case.dispute_type),
        "accepted_on": labels.date_text(case.accepted_at),
        "referral": referral,
        "court_name": referral.court.name if referral is not None else "",
        "referral_kind": labels.label(labels.REFERRAL_KINDS, getattr(referral, "kind", "")),
        "parties": party_rows(case),
        "mediator_name": user_name(mediator_of(case, referral)),
        "verify_url": url,
        "qr_svg": qr_svg(url),
        "closing_lines": [],
        "mediator_signature": None,
    }


def _signature_view(signature, resources: dict[str, bytes]) -> dict:
    image_name = None
    if signature.image:
        with signature.image.open("rb") as stream:
            data = stream.read()
        kind = image_type(data)
        extension = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}.get(kind, "bin")
        image_name = f"signature-{signature.pk}.{extension}"
        resources[image_name] = data
    return {
        "image": f"resource:{image_name}" if image_name else None,
        "name": signature.name,
        "method": labels.label(labels.SIGNATURE_METHODS, signature.method),
        "time": labels.datetime_text(signature.signed_at),
    }


def _amount_text(amount) -> str:
    if amount is None or amount == "":
        return ""
    return f"人民币{Decimal(str(amount)):,.2f}元"


def agreement(document: Document, context: dict, resources: dict) -> None:
    content = document.content or {}
    due = text(content.get("performance_due"))
    context.update(
        facts=text(content.get("facts")),
        disputed_matters=text(content.get("disputed_matters")),
        responsibilities=text(content.get("responsibilities")),
        terms=text_lines(content.get("terms")),
        performance=text(content.get("performance")),
        performance_due=labels.date_text(due) if due else "",
        agreed_amount=_amount_text(document.agreed_amount),
        copies=len(context["parties"]) + 1,
        effective_at="",
    )
    signed = {}
    if context["stage"] == "final":
        for signature in document.signatures.order_by("signed_at", "id"):
            view = _signature_view(signature, resources)
            if signature.role == SignerRole.MEDIATOR:
                context["mediator_signature"] = view
            elif signature.party_id is not None:
                signed[signature.party_id] = view
        context["effective_at"] = labels.datetime_text(document.effective_at)
        context["issued_on"] = labels.date_text(document.effective_at)
    else:
        context["issued_on"] = ""
    for party in context["parties"]:
        party["signature"] = signed.get(party["pk"])


def record(document: Document, context: dict, resources: dict) -> None:
    session = document.session
    context["session"] = session
    attendance = []
    if session is not None:
        rows = session.attendance.select_related("party__person").order_by("id")
        attendance = [
            {
                "role": labels.label(labels.PARTY_ROLES, row.party.role),
                "name": row.party.person.name,
                "present": "到场" if row.present else "未到场",
                "statement": row.statement,
            }
            for row in rows
        ]
        context.update(
            held_at=labels.datetime_text(session.scheduled_at),
            place="线上调解" if session.online and not session.place else session.place,
            manner=("线上，" if session.online else "")
            + ("公开调解" if session.public else "不公开调解"),
            statements=session.statements,
            outcome=labels.label(labels.SESSION_OUTCOMES, session.outcome),
            outcome_note=session.outcome_note,
            recorder_name=user_name(session.recorded_by),
        )
    context["attendance"] = attendance
    context["closing_lines"] = [
        ("调解员", context["mediator_name"]),
        ("记录人", context.get("recorder_name", "")),
    ]


def referral(document: Document, context: dict, resources: dict) -> None:
    referral = context["referral"]
    if referral is not None:
        context["title"] = (
            "委托调解函" if referral.kind == "entrustment" else labels.TITLES["referral"]
        )
        if referral.kind == "entrustment":
            simple = referral.procedure == "simple"
            days = ENTRUSTMENT_SIMPLE_DAYS if simple else ENTRUSTMENT_DAYS
        else:
            days = DELEGATION_DAYS
        context.update(
            procedure=labels.label(labels.PROCEDURES, referral.procedure),
            period_days=days,
            due_on=labels.date_text(referral.due_on),
            claim=referral.claim,
            centre_name=referral.centre.name,
            court_case_number=referral.court_case_number,
            referred_on=labels.date_text(referral.created_at),
        )
    context["closing_lines"] = [("调解员", context["mediator_name"])]


def termination(document: Document, context: dict, resources: dict) -> None:
    content = document.content or {}
    referral = context["referral"]
    reasons = text(content.get("reasons"))
    if not reasons and referral is not None:
        reasons = referral.termination_reasons
    context.update(
        reasons=reasons,
        other_routes=text(content.get("other_routes")) or DEFAULT_OTHER_ROUTES,
        court_referral=referral is not None,
    )
    context["closing_lines"] = [("调解员", context["mediator_name"])]


def undisputed(document: Document, context: dict, resources: dict) -> None:
    content = document.content or {}
    facts = text(content.get("facts"))
    if not facts and context["referral"] is not None:
        facts = context["referral"].undisputed_facts
    context["facts"] = facts
    context["closing_lines"] = [("调解员", context["mediator_name"])]


def confirmation(document: Document, context: dict, resources: dict) -> None:
    content = document.content or {}
    agreement_doc = (
        Document.objects.filter(
            case=document.case, kind=DocumentKind.AGREEMENT, status=DocumentStatus.ISSUED
        )
        .order_by("-version", "-id")
        .first()
    )
    court = context["court_name"] or text(content.get("court"))
    context.update(
        court_name=court,
        agreement_number=agreement_doc.number if agreement_doc else "",
        agreement_issuer=agreement_doc.issuer.name if agreement_doc else "",
        agreement_effective=labels.date_text(agreement_doc.effective_at) if agreement_doc else "",
        agreement_deadline=_thirty_days(agreement_doc),
        party_count=len(context["parties"]),
    )


def _thirty_days(agreement_doc: Document | None) -> str:
    """The day 30 days after the agreement took effect (人民调解法 art 33), as printed
    guidance; a period ending on a holiday runs on to the next working day."""
    if agreement_doc is None or agreement_doc.effective_at is None:
        return ""
    start = timezone.localtime(agreement_doc.effective_at).date()
    return labels.date_text(start + datetime.timedelta(days=30))


def revisit(document: Document, context: dict, resources: dict) -> None:
    visit = document.return_visit
    case = document.case
    context.update(
        visit=visit,
        case_outcome=labels.label(labels.CASE_OUTCOMES, case.outcome),
        closed_on=labels.date_text(case.closed_at),
    )
    if visit is not None:
        context.update(
            visit_due=labels.date_text(visit.due_on),
            visited_at=labels.datetime_text(visit.visited_at),
            visitor_name=user_name(visit.visitor),
            result=labels.label(labels.REVISIT_RESULTS, visit.result),
            notes=visit.notes,
            new_case_number=visit.new_case.number if visit.new_case_id else "",
        )
    context["closing_lines"] = [("回访人", context.get("visitor_name", ""))]


BUILDERS = {
    DocumentKind.AGREEMENT: agreement,
    DocumentKind.RECORD: record,
    DocumentKind.REFERRAL: referral,
    DocumentKind.TERMINATION: termination,
    DocumentKind.UNDISPUTED: undisputed,
    DocumentKind.CONFIRMATION: confirmation,
    DocumentKind.REVISIT: revisit,
}


def build_context(document: Document, *, stage: str = "final") -> tuple[dict, dict[str, bytes]]:
    """The context of ``documents/<kind>.html`` and the resources it names."""
    context = _common(document, stage)
    resources: dict[str, bytes] = {}
    BUILDERS[document.kind](document, context, resources)
    return context, resources
