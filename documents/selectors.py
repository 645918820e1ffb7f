"""Reads of documents: who may see and download which.

Staff see a case's documents through ``mediation.access``: with the full view of the
case, all of them; a referring body (court, police, petition) or a designated mediator
who has not answered, in the limited view, only the issued documents sent back to the
referring body (``SENT_BACK``), never a session record, a return-visit record or the
case file.

A party (through the portal) sees the case's issued agreement, termination record,
undisputed facts record, confirmation application and return-visit records, the
records of the sessions they attended, and an agreement awaiting signatures. Not the
referral letter (the court's letter to the centre) nor the case file (the archive).
"""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from mediation import access
from mediation import selectors as case_selectors
from mediation.models import CaseParty
from mediation.models.referrals import Referral

from .models import Document, DocumentKind, DocumentStatus, Signature, SignerRole

SENT_BACK = (
    DocumentKind.AGREEMENT,
    DocumentKind.TERMINATION,
    DocumentKind.UNDISPUTED,
    DocumentKind.CONFIRMATION,
    DocumentKind.REFERRAL,
)
FOR_PARTIES = (
    DocumentKind.AGREEMENT,
    DocumentKind.TERMINATION,
    DocumentKind.UNDISPUTED,
    DocumentKind.CONFIRMATION,
    DocumentKind.REVISIT,
)


def _with_signatures(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related("session", "return_visit").prefetch_related(
        Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "id"))
    )


def case_documents(case_access) -> QuerySet[Document]:
    """The documents of ``case_access.case`` its user may see, oldest first."""
    documents = Document.objects.filter(case=case_access.case)
    if not case_access.full:
        documents = documents.filter(kind__in=SENT_BACK, status=DocumentStatus.ISSUED)
    return _with_signatures(documents).order_by("created_at", "id")


def document_for_user(user, *, case_pk, pk) -> Document:
    """One document of the case, if ``user`` may see it; ``Http404`` otherwise."""
    case_access = access.case_access(user, case_pk)
    document = case_documents(case_access).filter(pk=pk).first()
    if document is None:
        raise Http404
    document.case = case_access.case
    return document


def documents_for_party(party: CaseParty) -> QuerySet[Document]:
    """The documents ``party`` may see and download (the module's docstring says which)."""
    attended = Q(
        kind=DocumentKind.RECORD,
        session__attendance__party=party,
        session__attendance__present=True,
    )
    issued = Q(status=DocumentStatus.ISSUED) & (Q(kind__in=FOR_PARTIES) | attended)
    signing = Q(kind=DocumentKind.AGREEMENT, status=DocumentStatus.SIGNING)
    documents = Document.objects.filter(case_id=party.case_id).filter(issued | signing).distinct()
    return _with_signatures(documents).order_by("created_at", "id")


def document_awaiting_party(document: Document, party: CaseParty) -> bool:
    """The agreement awaits ``party``'s signature: it is out for signing, and they are a
    party to its case who has not signed it."""
    if document.kind != DocumentKind.AGREEMENT or document.status != DocumentStatus.SIGNING:
        return False
    if party.case_id != document.case_id:
        return False
    return not any(
        signature.party_id == party.pk
        for signature in document.signatures.all()
        if signature.role == SignerRole.PARTY
    )


def document_file(document: Document):
    """The file a download serves: the issued copy, else the copy for signing."""
    if document.pdf:
        return document.pdf
    if document.signing_pdf:
        return document.signing_pdf
    return None


def latest_issued(case, kind: str) -> Document | None:
    """The case's current issued document of ``kind``; for session and return-visit
    records, the latest made."""
    return (
        Document.objects.filter(case=case, kind=kind, status=DocumentStatus.ISSUED)
        .order_by("-created_at", "-id")
        .first()
    )


def prefill_content(case, kind: str) -> dict:
    """What the case already says for a new ``kind`` document: a termination record's
    reasons and other routes from the recorded outcome, the undisputed facts the court
    referral recorded."""
    if kind == DocumentKind.TERMINATION:
        event = case_selectors.case_latest_outcome(case)
        data = (event.data or {}) if event else {}
        return {"reasons": data.get("reasons", ""), "other_routes": data.get("other_routes", "")}
    if kind == DocumentKind.UNDISPUTED:
        referral = Referral.objects.filter(case=case).only("undisputed_facts").first()
        return {"facts": referral.undisputed_facts if referral else ""}
    return {}
