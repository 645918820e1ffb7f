"""Document numbers and verification tokens.

A number is the case's number, a one-character code of the kind and the serial of
that kind within the case: ``（2026）经开调字第00042号-协1``; a correction keeps the
number of the paper it corrects and adds its version: ``…-协1-v2``. The case number is
unique across the district, so the document number is too. Take a number only while
the case row is locked (``services``), so two drafts cannot take the same serial.
"""

import re
import secrets

from .models import Document, DocumentKind

KIND_CODES = {
    DocumentKind.AGREEMENT: "协",
    DocumentKind.RECORD: "笔",
    DocumentKind.REFERRAL: "函",
    DocumentKind.TERMINATION: "终",
    DocumentKind.UNDISPUTED: "确",
    DocumentKind.CONFIRMATION: "申",
    DocumentKind.REVISIT: "访",
    DocumentKind.CASEFILE: "卷",
}

_VERSION = re.compile(r"-v\d+$")


def next_number(*, case, kind: str) -> str:
    """The number of the case's next paper of ``kind`` (a first version)."""
    taken = Document.objects.filter(case=case, kind=kind, version=1).count()
    return f"{case.number}-{KIND_CODES[kind]}{taken + 1}"


def version_number(*, previous: Document, version: int) -> str:
    """The number of version ``version`` of the paper ``previous`` is a version of."""
    return f"{_VERSION.sub('', previous.number)}-v{version}"


def new_token() -> str:
    """The key of the public verification page: 22 URL-safe characters (128 bits)."""
    return secrets.token_urlsafe(16)
