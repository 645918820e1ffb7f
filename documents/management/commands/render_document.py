"""Write a case's document to a PDF file.

    manage.py render_document CASE_NUMBER KIND -o FILE.pdf [--actor USERNAME]

KIND is agreement, record, referral, termination, undisputed, confirmation, revisit or
casefile. The command writes the case's current issued document of that kind (for
record and revisit, the latest one). When the case has none, it makes one as the case
page would, through ``documents.services`` on behalf of the case's mediator (or
``--actor``): the document is registered with its number, hash and verification token,
rendered and sealed in this process, then written. An agreement is never made here: it
is signed by the parties first. Exits non-zero with the reason for an unknown case or
kind, a case that does not allow the document, or a render that failed.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from documents import selectors, services, services_render
from documents.models import Document, DocumentKind, DocumentStatus
from mediation.models import Case
from mediation.models.diagnoses import ReturnVisit
from mediation.models.sessions import MediationSession, SessionStatus


class Command(BaseCommand):
    help = __doc__.split("\n\n")[1].strip() + " " + __doc__.split("\n\n")[2].replace("\n", " ")

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="the case's number, e.g. （2026）经开调字第00042号")
        parser.add_argument("kind", help=", ".join(DocumentKind.values))
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument(
            "--actor",
            help="the user a missing document is made by (default: the case's mediator)",
        )

    def handle(self, *args, case_number, kind, output, actor=None, **options):
        if kind not in DocumentKind.values:
            raise CommandError(
                f"Unknown kind {kind!r}: choose one of {', '.join(DocumentKind.values)}."
            )
        case = Case.objects.filter(number=case_number.strip()).first()
        if case is None:
            raise CommandError(f"No case numbered {case_number!r}.")
        document = selectors.latest_issued(case, kind)
        if document is None:
            document = self._make(case, kind, actor)
        data = document.pdf.read()
        document.pdf.close()
        with open(output, "wb") as out:
            out.write(data)
        self.stdout.write(
            f"{document.number}: {len(data)} bytes, sha256 {document.sha256} → {output}"
        )

    def _actor(self, case, username):
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            return user
        if case.mediator is None:
            raise CommandError("The case has no mediator: name the user with --actor.")
        return case.mediator

    def _make(self, case, kind, username) -> Document:
        if kind == DocumentKind.AGREEMENT:
            raise CommandError(
                "The case has no issued agreement: an agreement is drafted on the case page "
                "and signed by every party and the mediator before it is issued."
            )
        user = self._actor(case, username)
        session = visit = None
        if kind == DocumentKind.RECORD:
            session = (
                MediationSession.objects.filter(case=case, status=SessionStatus.HELD)
                .order_by("-scheduled_at", "-id")
                .first()
            )
        elif kind == DocumentKind.REVISIT:
            visit = (
                ReturnVisit.objects.filter(case=case).exclude(result="").order_by("-due_on").first()
            )
        try:
            document = services.document_issue(
                case=case,
                actor=user,
                kind=kind,
                session=session,
                return_visit=visit,
                content=selectors.prefill_content(case, kind),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise CommandError(
                f"Cannot make the {kind} of {case.number}: " + " ".join(messages)
            ) from exc
        document = services_render.document_render_now(document)
        if document.status != DocumentStatus.ISSUED:
            raise CommandError(f"{document.number} could not be issued: {document.render_error}")
        return document
