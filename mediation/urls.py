from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site

from . import extensions, selectors
from .views.cases import CaseDetailView, CaseListView
from .views.intake import CaseIntakeView


class CaseApplication(Application):
    app_name = "cases"
    title = _("Cases")
    icon = "gavel"
    base_template_name = "mediation/base.html"
    menu_template_name = "mediation/app_menu.html"

    list_path = path("", CaseListView.as_view(), name="list")
    intake_path = path("new/", CaseIntakeView.as_view(), name="intake")
    detail_path = path("<int:pk>/", CaseDetailView.as_view(), name="detail")

    def get_context_data(self, request):
        return {"may_register": selectors.user_may_register(request.user)}


# Other packages (the workflows) register their applications from their ready();
# the cases application links to them from its own menu, so no site-wide menu.
site = Site(
    title=_("Dispute Resolution Platform"),
    viewsets=[CaseApplication(), *extensions.apps()],
    menu_template_name=None,
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("admin/", admin.site.urls),
    path("", site.urls),
]
