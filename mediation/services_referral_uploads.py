"""Uploads to a referral: a size limit, and a type checked by name and by content."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models.referrals import Referral, ReferralDocument

# The first bytes of each allowed kind of file (their "magic numbers").
_PDF = (b"%PDF",)
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_ZIP = (b"PK\x03\x04",)  # docx, xlsx, pptx
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # doc, xls, ppt
_AUDIO = (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"OggS", b"fLaC")

SIGNATURES = {
    ".pdf": _PDF,
    ".png": _IMAGES,
    ".jpg": _IMAGES,
    ".jpeg": _IMAGES,
    ".gif": _IMAGES,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
    ".ppt": _OLE,
    ".mp3": _AUDIO,
    ".ogg": _AUDIO,
    ".flac": _AUDIO,
    ".m4a": (b"ftyp",),
    ".wav": (b"RIFF",),
    ".amr": (b"#!AMR",),
}


def _sniff_ok(extension: str, head: bytes) -> bool:
    if extension == ".m4a":
        return head[4:8] == b"ftyp"
    if extension == ".wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    return head.startswith(SIGNATURES[extension])


def upload_check(upload) -> None:
    """Refuse a file over the limit, or one that is not PDF, image, Office or audio."""
    limit = settings.MEDIATION["UPLOAD_MAX_BYTES"]
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than the limit of %(mb)s MB.")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in settings.MEDIATION["UPLOAD_TYPES"] or extension not in SIGNATURES:
        raise ValidationError(
            _("%(name)s is not an allowed type: PDF, images, Office documents or audio only.")
            % {"name": upload.name}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _sniff_ok(extension, head):
        raise ValidationError(
            _("%(name)s does not contain what its name says; it was not accepted.")
            % {"name": upload.name}
        )


def document_add(*, referral: Referral, upload, kind: str, actor) -> ReferralDocument:
    """Keep one checked upload; call inside the transaction of the step that brings it."""
    upload_check(upload)
    return ReferralDocument.objects.create(
        referral=referral,
        kind=kind,
        file=upload,
        name=os.path.basename(upload.name)[:200],
        size=upload.size,
        uploaded_by=actor,
    )
