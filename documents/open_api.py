"""The open API's document endpoints (``mediation.api`` finds this module when it loads):
a case's documents that the caller's organisation may see, and their sealed PDFs.

Who sees which is ``selectors.case_documents``, as on the staff pages: with the full
view of the case, every document; a referring body (court, police, petition bureau),
only the issued documents sent back to it, never a session record or the case file.
"""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers

from mediation import access
from mediation.api.base import ApiView
from mediation.api.extensions import register_routes

from . import selectors
from .models import Document
from .staff_views import document_pdf_response


class DocumentOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_display",
            "number",
            "version",
            "status",
            "status_display",
            "created_at",
            "issued_at",
            "sha256",
            "size",
            "pages",
            "pdf",
        ]

    def get_pdf(self, document) -> str | None:
        """The PDF's address in this API, once there is a file to download."""
        if selectors.document_file(document) is None:
            return None
        return reverse("api:document_pdf", args=[document.case_id, document.pk])


@extend_schema(
    summary="The documents of a case the caller's organisation may see",
    responses=DocumentOutput(many=True),
)
class CaseDocumentListView(ApiView):
    """A case's documents: every one with the full view of the case, the issued ones
    sent back with a referring body's limited view."""

    def get(self, request, case):
        documents = selectors.case_documents(access.case_access(request.user, case))
        return self.paginated(documents, DocumentOutput)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a caller ask for ``Accept: application/pdf``; the file is served as is."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema(
    summary="Download a document's sealed PDF",
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF")
    },
)
class DocumentPdfView(ApiView):
    """The document's PDF (the issued, sealed copy; else the copy for signing)."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    def get(self, request, case, pk):
        return document_pdf_response(request.user, case, pk)

    def handle_exception(self, exc):
        # An error is JSON even when the caller asked for a PDF.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)


register_routes(
    [
        path(
            "cases/<int:case>/documents/",
            CaseDocumentListView.as_view(),
            name="case_documents",
        ),
        path(
            "cases/<int:case>/documents/<int:pk>/pdf/",
            DocumentPdfView.as_view(),
            name="document_pdf",
        ),
    ]
)
