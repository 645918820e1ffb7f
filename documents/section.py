"""The "Documents" section of the case page.

It lists the documents the user may see (``selectors.case_documents``), who has signed
an agreement and who is still to sign, and, to who may work the case, the buttons for
what the case's state allows now. A constant number of queries, whatever the number
of documents, parties or sessions: the documents with their signatures (2), the
parties when an agreement awaits signatures (1), and for who may work the case the
held sessions, the return visits and the court referral when the case can have them.
"""

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from mediation.models import CaseParty, CaseStatus, Channel, Outcome
from mediation.models.diagnoses import ReturnVisit
from mediation.models.referrals import Referral
from mediation.models.sessions import MediationSession, SessionStatus

from . import rules, selectors
from .models import DocumentKind, DocumentStatus, SignerRole

CORRECTABLE = (DocumentStatus.ISSUED, DocumentStatus.SIGNING, DocumentStatus.FAILED)


def _row(document, *, parties, case_access):
    signatures = list(document.signatures.all())
    signed = {s.party_id for s in signatures if s.role == SignerRole.PARTY}
    awaiting = document.kind == DocumentKind.AGREEMENT and document.status == DocumentStatus.SIGNING
    may_write = case_access.may_write
    args = [document.case_id, document.pk]
    has_file = bool(document.pdf or document.signing_pdf)
    return {
        "document": document,
        "signatures": signatures,
        "pending": [p for p in parties if p.pk not in signed] if awaiting else [],
        "download_url": reverse("documents:download", args=args) if has_file else "",
        "verify_url": reverse("verify:document", args=[document.token])
        if document.status == DocumentStatus.ISSUED
        else "",
        "correct_url": reverse("documents:correct", args=args)
        if may_write and document.status in CORRECTABLE
        else "",
        "retry_url": reverse("documents:retry", args=args)
        if may_write and document.status == DocumentStatus.FAILED
        else "",
        "sign_url": reverse("documents:sign", args=args)
        if awaiting and document.effective_at and case_access.is_handler
        else "",
    }


def _current(documents, kind):
    return [d for d in documents if d.kind == kind and d.status != DocumentStatus.SUPERSEDED]


def _make_url(case, kind, **query):
    url = reverse("documents:make", args=[case.pk, kind])
    return url + "".join(f"?{key}={value}" for key, value in query.items())


def _actions(case, documents) -> list[dict]:
    """The documents the case may have now that it does not have yet."""
    actions = []

    def offer(kind, label, **query):
        actions.append({"label": label, "url": _make_url(case, kind, **query)})

    def missing(kind):
        return not _current(documents, kind)

    agreement = next(iter(_current(documents, DocumentKind.AGREEMENT)), None)
    if case.status in rules.HANDLING_STATUSES and agreement is None:
        offer(DocumentKind.AGREEMENT, _("Draft the agreement"))
    if case.outcome == Outcome.TERMINATED and case.status in rules.AFTER_DISPATCH:
        if missing(DocumentKind.TERMINATION):
            offer(DocumentKind.TERMINATION, _("Make the termination record"))
        if missing(DocumentKind.UNDISPUTED):
            offer(DocumentKind.UNDISPUTED, _("Make the undisputed facts record"))
    if agreement is not None and missing(DocumentKind.CONFIRMATION):
        try:
            rules.check_confirmation(case, agreement)
        except ValidationError:
            pass  # not available now: no button
        else:
            offer(DocumentKind.CONFIRMATION, _("Make the confirmation application"))
    if case.status not in rules.AFTER_DISPATCH:
        return actions
    if case.channel == Channel.COURT and missing(DocumentKind.REFERRAL):
        if Referral.objects.filter(case=case).exists():
            offer(DocumentKind.REFERRAL, _("Make the referral letter"))
    recorded = {d.session_id for d in _current(documents, DocumentKind.RECORD)}
    held = MediationSession.objects.filter(case=case, status=SessionStatus.HELD)
    for session in held.only("pk", "scheduled_at").order_by("scheduled_at", "id"):
        if session.pk not in recorded:
            label = _("Make the record of the session of %(at)s") % {
                "at": f"{session.scheduled_at:%Y-%m-%d}"
            }
            offer(DocumentKind.RECORD, label, session=session.pk)
    if case.status == CaseStatus.CLOSED:
        visited = {d.return_visit_id for d in _current(documents, DocumentKind.REVISIT)}
        visits = ReturnVisit.objects.filter(case=case).exclude(result="").only("pk", "due_on")
        for visit in visits.order_by("due_on", "id"):
            if visit.pk not in visited:
                label = _("Make the record of the return visit due %(on)s") % {
                    "on": visit.due_on.isoformat()
                }
                offer(DocumentKind.REVISIT, label, visit=visit.pk)
    offer(DocumentKind.CASEFILE, _("Assemble the case file"))
    return actions


def documents_section(request, case_access) -> str:
    case = case_access.case
    documents = list(selectors.case_documents(case_access))
    may_write = case_access.may_write
    if not documents and not may_write:
        return ""
    signing = any(d.status == DocumentStatus.SIGNING for d in documents)
    parties = []
    if signing and case_access.full:
        parties = list(CaseParty.objects.filter(case=case).select_related("person"))
    rows = [_row(d, parties=parties, case_access=case_access) for d in documents]
    context = {
        "case": case,
        "rows": rows,
        "limited": not case_access.full,
        "actions": _actions(case, documents) if may_write else [],
        "statuses": DocumentStatus,
    }
    return render_to_string("documents/section.html", context, request=request)
