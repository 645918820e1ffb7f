from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from . import extensions, selectors
from .views.cases import CaseDetailView, CaseListView
from .views.exports import CaseExportView
from .views.home_visits import HomeVisitCreateView
from .views.intake import CaseIntakeView
from .views.notifications import NotificationListView, NotificationReadView
from .views.roster import (
    DutyCalendarView,
    MediatorProfileEditView,
    MediatorRegisterView,
    RosterListView,
    RosterProfileView,
    SanctionCreateView,
)
from .views.sessions import (
    RightsNoticeView,
    SessionCancelView,
    SessionPostponeView,
    SessionRecordView,
    SessionScheduleView,
)
from .views.shares import CaseShareRevokeView, CaseShareView
from .views.summonses import DepartmentSummonsListView


class CaseApplication(Application):
    app_name = "cases"
    title = _("Cases")
    icon = "gavel"
    base_template_name = "mediation/base.html"
    menu_template_name = "mediation/app_menu.html"

    list_path = path("", CaseListView.as_view(), name="list")
    export_path = path("export.csv", CaseExportView.as_view(), name="export")
    intake_path = path("new/", CaseIntakeView.as_view(), name="intake")
    detail_path = path("<int:pk>/", CaseDetailView.as_view(), name="detail")
    home_visit_path = path("<int:pk>/home-visit/", HomeVisitCreateView.as_view(), name="home_visit")
    shares_path = path("<int:pk>/shares/", CaseShareView.as_view(), name="shares")
    share_revoke_path = path(
        "<int:pk>/shares/<str:kind>/<int:share>/revoke/",
        CaseShareRevokeView.as_view(),
        name="share_revoke",
    )
    summonses_path = path("opinions/", DepartmentSummonsListView.as_view(), name="summonses")
    notifications_path = path(
        "notifications/", NotificationListView.as_view(), name="notifications"
    )
    notification_read_path = path(
        "notifications/<int:pk>/read/", NotificationReadView.as_view(), name="notification_read"
    )
    notifications_read_path = path(
        "notifications/read/", NotificationReadView.as_view(), name="notifications_read"
    )
    roster_path = path("roster/", RosterListView.as_view(), name="roster")
    roster_duty_path = path("roster/duty/", DutyCalendarView.as_view(), name="roster_duty")
    roster_profile_path = path(
        "roster/<int:pk>/", RosterProfileView.as_view(), name="roster_profile"
    )
    roster_register_path = path(
        "roster/new/", MediatorRegisterView.as_view(), name="roster_register"
    )
    roster_edit_path = path(
        "roster/<int:pk>/edit/", MediatorProfileEditView.as_view(), name="roster_edit"
    )
    roster_sanction_path = path(
        "roster/<int:pk>/sanction/", SanctionCreateView.as_view(), name="roster_sanction"
    )
    session_schedule_path = path(
        "<int:pk>/sessions/new/", SessionScheduleView.as_view(), name="session_schedule"
    )
    rights_notice_path = path(
        "<int:pk>/sessions/rights/", RightsNoticeView.as_view(), name="rights_notice"
    )
    session_record_path = path(
        "<int:pk>/sessions/<int:session>/record/",
        SessionRecordView.as_view(),
        name="session_record",
    )
    session_postpone_path = path(
        "<int:pk>/sessions/<int:session>/postpone/",
        SessionPostponeView.as_view(),
        name="session_postpone",
    )
    session_cancel_path = path(
        "<int:pk>/sessions/<int:session>/cancel/",
        SessionCancelView.as_view(),
        name="session_cancel",
    )

    def get_context_data(self, request):
        return {"may_register": selectors.user_may_register(request.user)}


def _in_site_layout(app):
    # Every registered application wears the site's layout: its menu, with the way
    # back to the cases, and the language switch.
    if app.base_template_name in ("viewflow/base_page.html", "viewflow/workflow/base_page.html"):
        app.base_template_name = "mediation/base.html"
    return app


# Other packages (the workflows) register their applications from their ready();
# the site's own menu (mediation/site_menu.html, in mediation/base.html) leads to them.
site = Site(
    title=_("Dispute Resolution Platform"),
    viewsets=[CaseApplication(), *(_in_site_layout(app) for app in extensions.apps())],
    menu_template_name=None,
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    *(path(prefix, include(urlconf)) for prefix, urlconf in extensions.url_includes()),
    path("", site.urls),
]
