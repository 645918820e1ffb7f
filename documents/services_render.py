"""Rendering a queued document and keeping the file: the body of the render task.

Three short transactions, the heavy work between them and under no lock:

1. claim: lock the row; go on only if it still waits for this stage and no other
   delivery holds the lease (``render_started_at``); take the lease;
2. render (WeasyPrint in a child process), and for a final copy apply the seal last;
3. store: lock the row again; keep the file only if the lease is still ours.

A failure records its message (``render_error``, shown on the case page). On the last
attempt (always, when the task runs in-process) the document becomes FAILED and the
failure is audited; before that it stays QUEUED and ``RenderFailed`` asks the task to
retry. Nothing here touches the case.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import services_notify
from mediation.models import AuditAction
from mediation.services import audit_record

from .models import Document, DocumentKind, DocumentStatus
from .services import FINAL, SIGNING, pending_stage

logger = logging.getLogger(__name__)


class RenderFailed(Exception):
    """A render failed and may succeed if tried again later."""


def lease() -> datetime.timedelta:
    """How long a render may hold its document before another delivery may take it."""
    return datetime.timedelta(seconds=settings.DOCUMENTS["RENDER_TIMEOUT_SECONDS"] + 120)


def _claim(document_id: int, stage: str) -> datetime.datetime | None:
    now = timezone.now()
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status != DocumentStatus.QUEUED:
            return None
        if pending_stage(document) != stage:
            return None
        if document.render_started_at and now - document.render_started_at < lease():
            return None
        document.render_started_at = now
        document.render_attempts += 1
        document.save(update_fields=["render_started_at", "render_attempts"])
    return now


def _produce(document: Document, stage: str) -> tuple[bytes, int]:
    # The renderer and the seal load WeasyPrint and pyHanko: only when used.
    if document.kind == DocumentKind.CASEFILE:
        from .casefile import assemble_case_file

        rendered = assemble_case_file(document)
    else:
        from .rendering import render_document_pdf

        rendered = render_document_pdf(document, stage=stage)
    data = rendered.data
    if stage == FINAL:
        from .signing import seal_pdf

        # The seal goes on last: nothing may change the file after it.
        data = seal_pdf(data, organisation=document.issuer)
    return data, rendered.pages


def failure_message(exc: Exception) -> str | None:
    """What the case page says about a failed render, in words; None for an error that
    is not a render's or a seal's (a bug: logged with its traceback)."""
    from . import rendering

    if isinstance(exc, rendering.RenderTimeout):
        return _("Rendering took too long and was stopped.")
    if isinstance(exc, rendering.RenderTooLarge):
        return _("The document is too large to render within the server's limits.")
    if isinstance(exc, rendering.RenderingUnavailable):
        return _("The renderer is not available on this server.")
    if isinstance(exc, rendering.RenderError):
        return _("The document could not be rendered: %(error)s") % {"error": exc}
    from .signing import SealUnavailable

    if isinstance(exc, SealUnavailable):
        # The signing module says which seal and how to install it.
        return _("The seal could not be applied: %(error)s") % {"error": exc}
    return None


def _locked_if_ours(document_id: int, claimed_at: datetime.datetime) -> Document | None:
    document = (
        Document.objects.select_for_update().select_related("case").filter(pk=document_id).first()
    )
    if document is None or document.status != DocumentStatus.QUEUED:
        return None
    if document.render_started_at != claimed_at:
        return None
    return document


def _fail(document_id: int, claimed_at, message: str, *, last_attempt: bool) -> None:
    with transaction.atomic():
        document = _locked_if_ours(document_id, claimed_at)
        if document is None:
            return
        document.render_error = message
        document.render_started_at = None
        fields = ["render_error", "render_started_at"]
        if last_attempt:
            document.status = DocumentStatus.FAILED
            fields.append("status")
            audit_record(
                action=AuditAction.DOCUMENT_FAILED,
                case=document.case,
                document=document.number,
                error=message,
                attempts=document.render_attempts,
            )
        else:
            # A retry is on its way: the lost-message job counts from now.
            document.queued_at = timezone.now()
            fields.append("queued_at")
        document.save(update_fields=fields)


def _store(document_id: int, claimed_at, stage: str, data: bytes, pages: int) -> bool:
    probe = Document.objects.only("pk", "version").get(pk=document_id)
    suffix = "signing" if stage == SIGNING else "issued"
    field = probe.signing_pdf if stage == SIGNING else probe.pdf
    name = field.field.generate_filename(probe, f"{probe.pk}-v{probe.version}-{suffix}.pdf")
    # Written before the lock, so the lock is held only for the row's update.
    name = field.storage.save(name, ContentFile(data))
    digest = hashlib.sha256(data).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        document = _locked_if_ours(document_id, claimed_at)
        if document is None:
            field.storage.delete(name)
            return False
        document.render_started_at = None
        document.render_error = ""
        document.rendered_at = now
        if stage == SIGNING:
            document.signing_pdf.name = name
            document.signing_sha256 = digest
            document.status = DocumentStatus.SIGNING
            action = AuditAction.DOCUMENT_RENDERED
            # The parties are asked to sign once their copy exists.
            services_notify.document_to_sign(document=document)
        else:
            document.pdf.name = name
            document.sha256 = digest
            document.size = len(data)
            document.pages = pages
            document.status = DocumentStatus.ISSUED
            document.issued_at = now
            action = AuditAction.DOCUMENT_ISSUED
        document.save()
        audit_record(
            action=action, case=document.case, document=document.number, sha256=digest, stage=stage
        )
    return True


def document_render(*, document_id: int, stage: str, last_attempt: bool) -> bool:
    """Render ``document_id`` for ``stage`` if it still waits for it; True when a file
    was kept. Raises ``RenderFailed`` only when it failed and is not on its last attempt.
    """
    claimed_at = _claim(document_id, stage)
    if claimed_at is None:
        return False
    document = Document.objects.select_related(
        "case", "issuer", "session", "return_visit", "supersedes"
    ).get(pk=document_id)
    try:
        data, pages = _produce(document, stage)
    except Exception as exc:
        message = failure_message(exc)
        if message is None:
            logger.exception("rendering document %s failed", document_id)
            message = _("An unexpected error stopped the rendering.")
        _fail(document_id, claimed_at, message, last_attempt=last_attempt)
        if last_attempt:
            return False
        raise RenderFailed(message) from exc
    return _store(document_id, claimed_at, stage, data, pages)


def document_render_now(document: Document) -> Document:
    """``document`` rendered, for a caller that needs the file at once (a command, the
    demo): the render runs here if it is still waiting, whether its task ran in-process,
    went to a worker, or has not been sent yet (a transaction still open). A render a
    worker already started is not repeated; the document is returned as it stands."""
    document.refresh_from_db()
    if document.status == DocumentStatus.QUEUED:
        stage = pending_stage(document)
        document_render(document_id=document.pk, stage=stage, last_attempt=True)
        document.refresh_from_db()
    return document
