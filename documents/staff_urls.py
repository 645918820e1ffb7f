"""The staff's document pages, mounted in the staff site at /documents/ (namespace
``documents``); each page is about one case and is reached from its page."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application

from . import staff_views


class DocumentsApplication(Application):
    app_name = "documents"
    title = _("Documents")
    icon = "description"
    base_template_name = "mediation/base.html"
    menu_template_name = "mediation/app_menu.html"

    # Documents are found on their case's page.
    index_path = path("", RedirectView.as_view(pattern_name="cases:list"), name="index")
    make_path = path(
        "cases/<int:case>/new/<slug:kind>/", staff_views.DocumentMakeView.as_view(), name="make"
    )
    correct_path = path(
        "cases/<int:case>/<int:pk>/correct/",
        staff_views.DocumentCorrectView.as_view(),
        name="correct",
    )
    sign_path = path(
        "cases/<int:case>/<int:pk>/sign/", staff_views.MediatorSignView.as_view(), name="sign"
    )
    retry_path = path("cases/<int:case>/<int:pk>/retry/", staff_views.document_retry, name="retry")
    download_path = path(
        "cases/<int:case>/<int:pk>/pdf/", staff_views.document_download, name="download"
    )
