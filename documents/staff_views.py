"""The staff's document pages, reached from the case page: draft an agreement, make a
document of another kind, correct one, sign as the mediator, try a failed render
again, download.

Every page asks ``mediation.access`` first: 404 for a case the user may not see or a
document that is not the case's (or not shown to them), then 403 for a user who sees
the case but may not work it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_POST

from mediation import access
from mediation.models.diagnoses import ReturnVisit
from mediation.models.sessions import MediationSession, SessionStatus
from mediation.views.service_form import ServiceFormMixin

from . import forms, rules, selectors, services
from .models import Document, DocumentKind, DocumentStatus, SignerRole


def case_url(case) -> str:
    return reverse("cases:detail", args=[case.pk]) + "#documents"


class _CaseDocumentView(LoginRequiredMixin, ServiceFormMixin, generic.FormView):
    template_name = "documents/form.html"
    writes = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case_access = access.case_access(request.user, kwargs["case"])
            self.case = self.case_access.case
            self.find(**kwargs)
            if not self.allowed():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def find(self, **kwargs):
        """The document or kind the URL names: 404 if it is not the case's."""

    def allowed(self) -> bool:
        return self.case_access.may_write

    def problem(self) -> str:
        """Why the case does not allow this now, shown above the form (the service
        refuses again on submit)."""
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            case=self.case, title=self.title(), problem=self.problem(), **kwargs
        )

    def succeeded(self, form):
        messages.success(self.request, self.done())
        return HttpResponseRedirect(case_url(self.case))


def _problem(check) -> str:
    try:
        check()
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


class DocumentMakeView(_CaseDocumentView):
    """Draft an agreement, or make a document of another kind, from the case's data."""

    def find(self, *, kind, **kwargs):
        if kind not in DocumentKind.values:
            raise Http404
        self.kind = kind

    def title(self):
        if self.kind == DocumentKind.AGREEMENT:
            return _("Draft the mediation agreement")
        return _("Make: %(kind)s") % {"kind": DocumentKind(self.kind).label}

    def get_form_class(self):
        return forms.CONTENT_FORMS[self.kind]

    def _sessions(self):
        taken = Document.objects.filter(
            case=self.case, kind=DocumentKind.RECORD, session__isnull=False
        ).exclude(status=DocumentStatus.SUPERSEDED)
        return MediationSession.objects.filter(case=self.case, status=SessionStatus.HELD).exclude(
            pk__in=taken.values("session_id")
        )

    def _visits(self):
        taken = Document.objects.filter(
            case=self.case, kind=DocumentKind.REVISIT, return_visit__isnull=False
        ).exclude(status=DocumentStatus.SUPERSEDED)
        return (
            ReturnVisit.objects.filter(case=self.case)
            .exclude(result="")
            .exclude(pk__in=taken.values("return_visit_id"))
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.kind == DocumentKind.RECORD:
            kwargs["sessions"] = self._sessions()
        elif self.kind == DocumentKind.REVISIT:
            kwargs["visits"] = self._visits()
        return kwargs

    def get_initial(self):
        get = self.request.GET
        if self.kind in (DocumentKind.TERMINATION, DocumentKind.UNDISPUTED):
            return selectors.prefill_content(self.case, self.kind)
        if self.kind == DocumentKind.RECORD and get.get("session", "").isdigit():
            return {"session": int(get["session"])}
        if self.kind == DocumentKind.REVISIT and get.get("visit", "").isdigit():
            return {"return_visit": int(get["visit"])}
        return {}

    def problem(self):
        if self.kind in (DocumentKind.RECORD, DocumentKind.REVISIT):
            return ""
        return _problem(lambda: rules.check_allowed(case=self.case, kind=self.kind))

    def perform(self, form):
        user, content = self.request.user, form.content()
        if self.kind == DocumentKind.AGREEMENT:
            self.document = services.document_draft_agreement(
                case=self.case, actor=user, content=content
            )
        else:
            self.document = services.document_issue(
                case=self.case,
                actor=user,
                kind=self.kind,
                session=form.cleaned_data.get("session"),
                return_visit=form.cleaned_data.get("return_visit"),
                content=content,
            )

    def done(self):
        if self.document.status == DocumentStatus.FAILED:
            return _("%(number)s was saved, but could not be prepared: see below.") % {
                "number": self.document.number
            }
        return _("%(number)s is being prepared.") % {"number": self.document.number}


class _OneDocumentView(_CaseDocumentView):
    def find(self, *, pk, **kwargs):
        self.document = selectors.document_for_user(self.request.user, case_pk=self.case.pk, pk=pk)


class DocumentCorrectView(_OneDocumentView):
    def title(self):
        return _("Correct %(number)s") % {"number": self.document.number}

    def get_form_class(self):
        return forms.correction_form_class(self.document.kind)

    def get_initial(self):
        return forms.initial_from_content(self.document.kind, self.document.content)

    def problem(self):
        if self.document.status == DocumentStatus.SUPERSEDED:
            return _("This version has already been corrected.")
        if self.document.status == DocumentStatus.QUEUED:
            return _("The document is being prepared: wait until it is ready.")
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            document=self.document,
            restarts_signatures=self.document.kind == DocumentKind.AGREEMENT,
            **kwargs,
        )

    def perform(self, form):
        editable = self.document.kind in forms.EDITABLE
        self.new = services.document_correct(
            document=self.document,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            content=form.content() if editable else None,
        )

    def done(self):
        return _("%(new)s replaces %(old)s; it is being prepared.") % {
            "new": self.new.number,
            "old": self.document.number,
        }


class MediatorSignView(_OneDocumentView):
    template_name = "documents/sign.html"
    form_class = forms.MediatorSignForm

    def find(self, **kwargs):
        super().find(**kwargs)
        if self.document.kind != DocumentKind.AGREEMENT:
            raise Http404

    def allowed(self):
        return access.user_may_handle_case(self.request.user, self.case)

    def title(self):
        return _("Sign %(number)s as the mediator") % {"number": self.document.number}

    def get_initial(self):
        return {"seen_sha256": self.document.signing_sha256}

    def problem(self):
        if self.document.status != DocumentStatus.SIGNING:
            return _("This document is not awaiting signatures.")
        if self.document.effective_at is None:
            return _("Every party signs before the mediator does.")
        return ""

    def get_context_data(self, **kwargs):
        parties = [s for s in self.document.signatures.all() if s.role == SignerRole.PARTY]
        return super().get_context_data(document=self.document, signatures=parties, **kwargs)

    def perform(self, form):
        meta = self.request.META
        services.document_sign_mediator(
            document=self.document,
            actor=self.request.user,
            seen_sha256=form.cleaned_data["seen_sha256"],
            ip_address=meta.get("REMOTE_ADDR"),
            user_agent=meta.get("HTTP_USER_AGENT", ""),
        )

    def done(self):
        return _("You signed %(number)s; it is being sealed.") % {"number": self.document.number}


@login_required
@require_POST
def document_retry(request, case, pk):
    case_access = access.case_access(request.user, case)
    document = selectors.document_for_user(request.user, case_pk=case_access.case.pk, pk=pk)
    if not case_access.may_write:
        raise PermissionDenied
    try:
        services.document_retry(document=document, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(number)s is queued again.") % {"number": document.number})
    return HttpResponseRedirect(case_url(case_access.case))


def _file_name(document: Document) -> str:
    safe = "".join(c for c in document.number if c not in '/\\"\r\n;')
    return f"{safe}.pdf"


@login_required
def document_download(request, case, pk):
    """The document's PDF (the issued copy, else the copy for signing), only to who may
    see it (``selectors.case_documents``); 404 to everyone else."""
    return document_pdf_response(request.user, case, pk)


def document_pdf_response(user, case_pk: int, pk: int) -> FileResponse:
    """The PDF of document ``pk`` of case ``case_pk`` as a download, not cached, when
    ``user`` may see it and it has a file; else 404. The staff pages and the open API
    serve it alike."""
    document = selectors.document_for_user(user, case_pk=case_pk, pk=pk)
    file = selectors.document_file(document)
    if file is None:
        raise Http404
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=_file_name(document),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
