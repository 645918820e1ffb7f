"""The public verification pages: anyone, without logging in, can confirm a document by
the QR code printed on it (``/verify/<token>/``) and check a PDF they were given.

They show what the paper itself shows to whoever holds it (kind, number, case number,
issuer, date, status, hash) and nothing more: no party's name, no content. A document
that is not issued yet says only that.
"""

from django import forms
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from documents.models import DocumentStatus
from documents.verification import (
    ISSUED_STATUSES,
    current_version,
    document_by_token,
    verify_pdf,
)

MAX_UPLOAD_MB = 30
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


class _UploadLimit(FileUploadHandler):
    """Keeps at most MAX_UPLOAD_BYTES of an uploaded file: past that it drops the rest
    (the handlers after it never see it) and notes that the file was too large."""

    too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.too_large = True
            return None
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF file"),
        help_text=gettext_lazy("The PDF you received, at most %(limit)s MB.")
        % {"limit": MAX_UPLOAD_MB},
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.too_large or upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB: no document issued here is that large.")
                % {"limit": MAX_UPLOAD_MB}
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(
                _("This file is not a PDF. Choose the PDF file of the document.")
            )
        return upload


def _checked_upload(request, limit: _UploadLimit):
    """(form, verdict): the verdict on the uploaded PDF, or None when there is none."""
    if request.method != "POST":
        return UploadForm(), None
    form = UploadForm(request.POST, request.FILES, too_large=limit.too_large)
    if not form.is_valid():
        return form, None
    verdict = verify_pdf(form.cleaned_data["file"].read())
    if verdict.document is not None and verdict.document.status not in ISSUED_STATUSES:
        verdict.document = None  # a file that is not issued says nothing of its document
    return UploadForm(), verdict


def _with_upload_limit(view):
    """Installs the upload limit before the CSRF check reads the body, which it still
    makes (csrf_protect): Django's way to change the upload handlers in a view."""

    protected = csrf_protect(view)

    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        limit = _UploadLimit(request)
        request.upload_handlers.insert(0, limit)
        return protected(request, *args, limit=limit, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_with_upload_limit
def verify_upload(request, *, limit):
    """Check any PDF: GET shows the form, POST the verdict."""
    form, verdict = _checked_upload(request, limit)
    return render(request, "documents/verify_upload.html", {"form": form, "verdict": verdict})


@_with_upload_limit
def verify_document(request, token: str, *, limit):
    """Confirm the document of ``token``, and check an uploaded PDF against it."""
    document = document_by_token(token)
    if document is None:
        raise Http404(_("No document has this verification code."))
    if document.status not in ISSUED_STATUSES:
        return render(request, "documents/verify_not_issued.html", status=200)
    form, verdict = _checked_upload(request, limit)
    current = None
    if document.status == DocumentStatus.SUPERSEDED:
        current = current_version(document)
    context = {
        "document": document,
        "current": current,
        "current_issued": current is not None and current.status == DocumentStatus.ISSUED,
        "form": form,
        "verdict": verdict,
        "is_this_document": verdict is not None and verdict.sha256 == document.sha256,
    }
    return render(request, "documents/verify_document.html", context)
