import sys
import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.verification import verify_pdf


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Command(BaseCommand):
    help = (
        "Check a PDF: is it sealed by a trusted certificate, untouched since, and in the "
        "register of issued documents? Exits 0 for a genuine, intact, unchanged document, "
        "1 otherwise, 2 when the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The PDF file to check.")

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            self.stderr.write(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error})
            sys.exit(2)
        verdict = verify_pdf(data)
        yes, no = _("yes"), _("no")
        lines = [
            (_("File"), file),
            (_("SHA-256"), verdict.sha256),
            (_("Genuine"), yes if verdict.genuine else no),
            (_("Seal intact"), yes if verdict.intact else no),
            (_("Unchanged since sealing"), yes if verdict.unchanged else no),
        ]
        if verdict.signer:
            lines.append((_("Sealed by"), verdict.signer))
        if verdict.signed_at:
            lines.append(
                (
                    _("Sealed at"),
                    timezone.localtime(verdict.signed_at).strftime("%Y-%m-%d %H:%M:%S"),
                )
            )
        if verdict.document is not None:
            lines.append((_("Document number"), verdict.document.number))
            lines.append((_("Status"), verdict.document.get_status_display()))
        width = max(_width(label) for label, _value in lines)
        for label, value in lines:
            self.stdout.write(f"{label}{' ' * (width - _width(label))}  {value}")
        for problem in verdict.problems:
            self.stdout.write(f"- {problem}")
        if not verdict.ok:
            sys.exit(1)
