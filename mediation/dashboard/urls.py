"""The statistics, mounted in the staff site at /dashboard/ (namespace ``dashboard``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from mediation import extensions

from . import views
from .access import request_may_see_statistics


class DashboardApplication(Application):
    app_name = "dashboard"
    title = _("Statistics")
    icon = "insights"
    base_template_name = "mediation/base.html"
    menu_template_name = "dashboard/app_menu.html"

    index_path = path("", views.DashboardView.as_view(), name="index")
    # The table, the warning and the file's format are query parameters, beside the
    # filters: ?table=trend&format=xlsx, ?kind=party&key=42.
    warning_path = path("warnings/", views.WarningView.as_view(), name="warning")
    export_path = path("export/", views.ExportView.as_view(), name="export")


def menu_entries(request) -> list[extensions.MenuEntry]:
    """The site menu's entry, for those who may open the statistics."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if not request_may_see_statistics(request):
        return []
    return [
        extensions.MenuEntry(title=_("Statistics"), url=reverse("dashboard:index"), icon="insights")
    ]
