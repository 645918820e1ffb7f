"""Is a PDF one of ours, as issued? The seal's validation and the register's answer.

``verify_pdf`` never raises on bad input: a file that is not a PDF, is damaged, is
encrypted or carries no seal gets a verdict that says so in plain words.
"""

import dataclasses
import datetime
import hashlib
import io
import logging
import threading

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents.certificates import trust_root_paths
from documents.models import Document, DocumentStatus

logger = logging.getLogger(__name__)

ISSUED_STATUSES = (DocumentStatus.ISSUED, DocumentStatus.SUPERSEDED)


@dataclasses.dataclass
class Verdict:
    """What a PDF is: ``genuine`` means sealed by a trusted certificate, untouched since,
    and issued here (its SHA-256 is in the register)."""

    sha256: str
    genuine: bool = False
    # The signed bytes still match the seal.
    intact: bool = False
    # Nothing was added after sealing: the seal covers the whole file.
    unchanged: bool = False
    # The seal's certificate chains to one of our trust roots.
    trusted: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None
    document: Document | None = None
    # The current version, when ``document`` was superseded.
    current: Document | None = None
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.genuine and self.intact and self.unchanged


_roots: dict[tuple, list] = {}
_roots_lock = threading.Lock()


def trust_roots() -> list[asn1_x509.Certificate]:
    """The certificates in our trust-root PEM files (a missing file adds none)."""
    stamps = []
    for path in trust_root_paths():
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    key = tuple(stamps)
    with _roots_lock:
        if key in _roots:
            return _roots[key]
    roots = []
    for path, _mtime, _size in stamps:
        try:
            roots.extend(load_certs_from_pemder([path]))
        except (OSError, ValueError):
            logger.warning("Trust root %s cannot be read", path)
    with _roots_lock:
        _roots.clear()
        _roots[key] = roots
    return roots


def _signer_name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or ""


def _modification_problem(level) -> str:
    if level == ModificationLevel.FORM_FILLING:
        return _("Form fields were filled in or signatures added after the document was sealed.")
    if level == ModificationLevel.ANNOTATIONS:
        return _("Comments or drawings were added after the document was sealed.")
    if level == ModificationLevel.LTA_UPDATES:
        return _("Validation data were added after the document was sealed.")
    return _("The document was changed after it was sealed.")


def _check_seal(verdict: Verdict, data: bytes) -> bool:
    """Fill in the seal's part of ``verdict``: intact, unchanged, trusted, signer, time.

    Returns whether the file could be read as a PDF at all.
    """
    # A PDF's header may follow up to 1 KB of other bytes (ISO 32000-1, annex H.3).
    if b"%PDF-" not in data[:1024]:
        verdict.problems.append(_("The file is not a PDF document."))
        return False
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            verdict.problems.append(
                _(
                    "The file is encrypted (protected by a password). Documents issued "
                    "here are never encrypted, so it cannot be one of them as issued."
                )
            )
            return False
        signatures = reader.embedded_regular_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("Unreadable PDF: %s", error)
        verdict.problems.append(_("The file is damaged or incomplete: it cannot be read as a PDF."))
        return False
    if not signatures:
        verdict.problems.append(_("The document has no electronic seal."))
        return True
    # Our seal is the first signature; any later one is an addition after sealing.
    seal = signatures[0]
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(seal, context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("Unreadable seal: %s", error)
        verdict.problems.append(
            _("The seal cannot be read: it is damaged or of a kind this platform does not use.")
        )
        return True
    verdict.intact = bool(status.intact and status.valid)
    verdict.trusted = bool(status.trusted)
    verdict.unchanged = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    verdict.signer = _signer_name(status.signing_cert)
    verdict.signed_at = status.signer_reported_dt
    if not verdict.intact:
        verdict.problems.append(
            _("The sealed content was altered: the seal no longer matches the document.")
        )
    elif not verdict.trusted:
        verdict.problems.append(_("The seal was not made with a certificate this platform trusts."))
    if not verdict.unchanged:
        verdict.problems.append(_modification_problem(status.modification_level))
    return True


def current_version(document: Document) -> Document:
    current = document
    for _step in range(100):
        successor = Document.objects.filter(supersedes=current).select_related("case").first()
        if successor is None:
            break
        current = successor
    return current


def _check_register(verdict: Verdict) -> None:
    document = (
        Document.objects.select_related("case", "issuer").filter(sha256=verdict.sha256).first()
    )
    if document is None:
        if Document.objects.filter(signing_sha256=verdict.sha256).exists():
            verdict.problems.append(
                _(
                    "This is the copy shown to the parties for signing, not the issued "
                    "document: the issued one carries the organisation's seal."
                )
            )
        else:
            verdict.problems.append(
                _("The document is not in the register of documents issued here.")
            )
        return
    verdict.document = document
    if document.status not in ISSUED_STATUSES:
        verdict.problems.append(_("The document has not been issued yet."))
    elif document.status == DocumentStatus.SUPERSEDED:
        verdict.current = current = current_version(document)
        if current.status == DocumentStatus.ISSUED:
            problem = _("This document was superseded by version %(version)s (%(number)s).")
        else:  # the new version's number is not public until it is issued
            problem = _("This document was superseded by version %(version)s.")
        verdict.problems.append(problem % {"version": current.version, "number": current.number})


def verify_pdf(data: bytes) -> Verdict:
    """The verdict on ``data``: what its seal says and whether the register knows it."""
    verdict = Verdict(sha256=hashlib.sha256(data).hexdigest())
    try:
        readable = _check_seal(verdict, data)
    except Exception:  # a hostile file must give a verdict, not a server error
        logger.exception("Verification of a PDF failed")
        verdict.intact = verdict.trusted = verdict.unchanged = False
        verdict.problems.append(_("The seal could not be checked: the file is malformed."))
        readable = True
    if readable:
        _check_register(verdict)
    in_register = verdict.document is not None and verdict.document.status in ISSUED_STATUSES
    verdict.genuine = verdict.trusted and verdict.intact and verdict.unchanged and in_register
    return verdict


def document_by_token(token: str) -> Document | None:
    """The document a verification link or QR code points at, or None."""
    return (
        Document.objects.select_related("case", "issuer", "supersedes").filter(token=token).first()
    )
