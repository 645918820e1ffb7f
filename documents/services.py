"""Every write to a document: drafting, making, correcting, signing, retrying a render.

Each service validates, writes and records its audit event in one transaction; the
render is queued after commit (``documents.tasks``) and never runs under a lock.

An agreement is rendered for signing; each party signs the exact file they saw; it
takes effect when the last party signs; then the mediator signs, and only then is the
final copy rendered and sealed. Every other kind is rendered and sealed at once.

Signed documents are immutable. A correction is a new version that ``supersedes`` the
old one; the old one is marked SUPERSEDED as soon as the correction is made (the case
page shows both), and a corrected agreement is signed again from the start.
"""

import hashlib
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import access
from mediation.atomic import atomic
from mediation.models import AuditAction, Case, CaseParty, Organisation, OrgKind
from mediation.services import audit_record

from . import content as contents
from . import numbering, rules
from .models import Document, DocumentKind, DocumentStatus, Signature, SignatureMethod, SignerRole

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 200 * 1024
SIGNING = "signing"
FINAL = "final"


# Reading state (the render task and the services share these).


def pending_stage(document: Document) -> str:
    """The rendering a QUEUED document waits for: an agreement not yet signed by the
    mediator waits for its copy for signing; everything else for its final copy."""
    if document.kind != DocumentKind.AGREEMENT:
        return FINAL
    signed = document.signatures.filter(role=SignerRole.MEDIATOR).exists()
    return FINAL if signed else SIGNING


def issuing_organisation(case: Case) -> Organisation:
    """Who seals the case's documents: its handling organisation; for a case handled in
    a grid, the community's committee above it, since a grid has no seal of its own."""
    organisation = case.handling_org
    if organisation.kind == OrgKind.GRID and organisation.parent_id is not None:
        return organisation.parent
    return organisation


def _check_writer(actor, case: Case) -> None:
    if actor is None or not access.cases_writable_by(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Only the case's handler or the centre staff who run it may."))


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().select_related("case").get(pk=document.pk)


def _queue(document: Document) -> None:
    """Mark ``document`` waiting for its render and send the task once committed."""
    document.status = DocumentStatus.QUEUED
    document.queued_at = timezone.now()
    document.render_started_at = None
    document.render_error = ""
    document.save(update_fields=["status", "queued_at", "render_started_at", "render_error"])
    stage = pending_stage(document)
    transaction.on_commit(lambda: send_render(document.pk, stage), robust=True)


def send_render(document_id: int, stage: str) -> None:
    from .tasks import render_document

    render_document.delay(document_id, stage)


# Making documents.


def _prepare(case, kind, *, session, return_visit, content, correcting=None):
    """Check that ``case`` allows the document now; its cleaned content and amount."""
    taken = rules.check_allowed(
        case=case, kind=kind, session=session, return_visit=return_visit, correcting=correcting
    )
    return contents.clean(kind, content if taken is None else taken)


def _create(*, case, actor, kind, content, amount, session, return_visit, previous=None, reason=""):
    if previous is None:
        version, number = 1, numbering.next_number(case=case, kind=kind)
    else:
        version = previous.version + 1
        number = numbering.version_number(previous=previous, version=version)
    document = Document.objects.create(
        case=case,
        kind=kind,
        session=session,
        return_visit=return_visit,
        version=version,
        supersedes=previous,
        correction_reason=reason,
        number=number,
        token=numbering.new_token(),
        content=content,
        agreed_amount=amount,
        issuer=issuing_organisation(case),
        created_by=actor,
    )
    action = AuditAction.DOCUMENT_CORRECTED if previous else AuditAction.DOCUMENT_DRAFTED
    audit_record(
        action=action,
        actor=actor,
        case=case,
        document=document.number,
        kind=kind,
        version=version,
        **({"supersedes": previous.number, "reason": reason} if previous else {}),
    )
    _queue(document)
    return document


def document_draft_agreement(*, case: Case, actor, content: Mapping) -> Document:
    """Draft the case's mediation agreement with the contents of 人民调解法 art 29 (see
    ``documents.content``); it is rendered for the parties to sign."""
    _check_writer(actor, case)
    with atomic():
        case = _locked_case(case)
        cleaned, amount = _prepare(
            case, DocumentKind.AGREEMENT, session=None, return_visit=None, content=content
        )
        return _create(
            case=case,
            actor=actor,
            kind=DocumentKind.AGREEMENT,
            content=cleaned,
            amount=amount,
            session=None,
            return_visit=None,
        )


def document_issue(
    *, case: Case, actor, kind: str, session=None, return_visit=None, content: Mapping | None = None
) -> Document:
    """Make a document of any kind but the agreement; it is rendered and sealed at once
    (see ``rules.check_allowed`` for when)."""
    if kind == DocumentKind.AGREEMENT:
        raise ValidationError({"kind": _("An agreement is drafted, then signed.")})
    _check_writer(actor, case)
    if kind not in rules.PER_SESSION:
        session = None
    if kind not in rules.PER_VISIT:
        return_visit = None
    with atomic():
        case = _locked_case(case)
        cleaned, amount = _prepare(
            case, kind, session=session, return_visit=return_visit, content=content
        )
        current = rules.current_documents(
            case, kind, session=session, return_visit=return_visit
        ).first()
        previous, reason = None, ""
        if current is not None:
            previous, reason = _supersede(current), _("Case file assembled again.")
        return _create(
            case=case,
            actor=actor,
            kind=kind,
            content=cleaned,
            amount=amount,
            session=session,
            return_visit=return_visit,
            previous=previous,
            reason=reason,
        )


def _supersede(document: Document) -> Document:
    if document.status == DocumentStatus.QUEUED:
        raise ValidationError(_("The document is being prepared: wait until it is ready."))
    document.status = DocumentStatus.SUPERSEDED
    document.save(update_fields=["status"])
    return document


def document_correct(
    *, document: Document, actor, reason: str, content: Mapping | None = None
) -> Document:
    """Correct an issued (or signing, or failed) document by a new version with
    ``reason``; the old one stays, SUPERSEDED. ``content`` replaces the old content
    (the old one is kept when None). The new version follows the rules of making one:
    a corrected agreement needs a case being handled, and is signed again by everyone.
    """
    _check_writer(actor, document.case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why the document is corrected.")})
    with atomic():
        case = _locked_case(document.case)
        old = _locked(document)
        if old.status == DocumentStatus.SUPERSEDED:
            raise ValidationError(_("This version has already been corrected."))
        cleaned, amount = _prepare(
            case,
            old.kind,
            session=old.session,
            return_visit=old.return_visit,
            content=old.content if content is None else content,
            correcting=old,
        )
        _supersede(old)
        return _create(
            case=case,
            actor=actor,
            kind=old.kind,
            content=cleaned,
            amount=amount,
            session=old.session,
            return_visit=old.return_visit,
            previous=old,
            reason=reason,
        )


def document_retry(*, document: Document, actor) -> Document:
    """Queue a failed render again."""
    _check_writer(actor, document.case)
    with atomic():
        document = _locked(document)
        if document.status != DocumentStatus.FAILED:
            raise ValidationError(_("Only a document whose preparation failed is tried again."))
        _queue(document)
    return document


# Signing.


def _check_seen(document: Document, seen_sha256: str) -> None:
    if not document.signing_sha256 or seen_sha256 != document.signing_sha256:
        raise ValidationError(
            _("The document changed since it was opened: open it again, read it, then sign.")
        )


def _check_png(image_png: bytes | None) -> bytes:
    if not image_png:
        raise ValidationError({"image": _("Draw your signature.")})
    if not image_png.startswith(PNG_MAGIC):
        raise ValidationError({"image": _("The drawn signature must be a PNG image.")})
    if len(image_png) > MAX_SIGNATURE_BYTES:
        raise ValidationError(
            {"image": _("The drawn signature is too large (at most 200 KB): draw it again.")}
        )
    return image_png


def document_sign_party(
    *,
    document: Document,
    party: CaseParty,
    method: str,
    seen_sha256: str,
    image_png: bytes | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Signature:
    """A party signs the agreement they were shown (``seen_sha256`` is its hash); when
    the last party has signed, the agreement takes effect."""
    if method not in (SignatureMethod.DRAWN, SignatureMethod.CODE):
        raise ValidationError({"method": _("Sign by drawing or with a one-time code.")})
    image = _check_png(image_png) if method == SignatureMethod.DRAWN else None
    with atomic():
        document = _locked(document)
        if party.case_id != document.case_id:
            raise ValidationError(_("Only a party to this case may sign its agreement."))
        if document.kind != DocumentKind.AGREEMENT or document.status != DocumentStatus.SIGNING:
            raise ValidationError(_("This document is not awaiting signatures."))
        _check_seen(document, seen_sha256)
        if document.signatures.filter(party=party).exists():
            raise ValidationError(_("You have already signed this agreement."))
        signature = Signature(
            document=document,
            role=SignerRole.PARTY,
            party=party,
            name=party.person.name,
            method=method,
            document_sha256=seen_sha256,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:300],
        )
        if image is not None:
            digest = hashlib.sha256(image).hexdigest()[:16]
            signature.image.save(
                f"{document.pk}-{party.pk}-{digest}.png", ContentFile(image), False
            )
        signature.save()
        audit_record(
            action=AuditAction.DOCUMENT_SIGNED,
            case=document.case,
            document=document.number,
            party=party.pk,
            name=signature.name,
            method=method,
            sha256=seen_sha256,
        )
        party_ids = set(
            CaseParty.objects.filter(case_id=document.case_id).values_list("pk", flat=True)
        )
        signed = set(
            document.signatures.filter(role=SignerRole.PARTY).values_list("party_id", flat=True)
        )
        if party_ids <= signed:
            document.effective_at = signature.signed_at
            document.save(update_fields=["effective_at"])
            audit_record(
                action=AuditAction.DOCUMENT_EFFECTIVE, case=document.case, document=document.number
            )
    return signature


def _check_mediator(actor, case: Case) -> None:
    if not access.user_may_handle_case(actor, case):
        raise PermissionDenied(_("Only the case's mediator signs its agreement."))


def document_sign_mediator(
    *, document: Document, actor, seen_sha256: str, ip_address=None, user_agent=""
) -> Signature:
    """The mediator signs an agreement every party has signed; the final copy is then
    rendered and the organisation's seal applied last."""
    with atomic():
        document = _locked(document)
        _check_mediator(actor, document.case)
        if document.kind != DocumentKind.AGREEMENT or document.status != DocumentStatus.SIGNING:
            raise ValidationError(_("This document is not awaiting signatures."))
        if document.effective_at is None:
            raise ValidationError(_("Every party signs before the mediator does."))
        _check_seen(document, seen_sha256)
        signature = Signature.objects.create(
            document=document,
            role=SignerRole.MEDIATOR,
            user=actor,
            name=actor.get_full_name() or actor.get_username(),
            method=SignatureMethod.LOGIN,
            document_sha256=seen_sha256,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:300],
        )
        audit_record(
            action=AuditAction.DOCUMENT_SIGNED,
            actor=actor,
            case=document.case,
            document=document.number,
            role=SignerRole.MEDIATOR,
            method=SignatureMethod.LOGIN,
            sha256=seen_sha256,
        )
        _queue(document)
    return signature
