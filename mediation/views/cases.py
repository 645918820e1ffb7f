"""The case list and the case detail page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views import generic

from .. import access, extensions, selectors, selectors_visits, services_access
from ..forms import CaseFilterForm
from ..models import CaseStatus
from ..personal_data import people_of


class CaseListView(LoginRequiredMixin, generic.ListView):
    template_name = "mediation/case_list.html"
    context_object_name = "cases"
    paginate_by = 25
    title = _("Cases")

    def get_queryset(self):
        self.filter_form = CaseFilterForm(self.request.GET, user=self.request.user)
        return selectors.case_list(user=self.request.user, filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        return super().get_context_data(
            filter_form=self.filter_form,
            query_string=query.urlencode(),
            **kwargs,
        )


class CaseDetailView(LoginRequiredMixin, generic.TemplateView):
    """The whole case for those who work or supervise it; for a referring body alone,
    its status, deadlines and outcome, without session records or mediation notes."""

    template_name = "mediation/case_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        case_access = access.case_access(user, self.kwargs["pk"])
        case = case_access.case
        parties = list(selectors.case_parties(case))
        context = {
            "case": case,
            "access": case_access,
            "parties": parties,
            "personal_data": services_access.personal_data_for(
                request=self.request, case_access=case_access, people=people_of(parties)
            ),
            "outcome": selectors.case_latest_outcome(case),
            "sections": extensions.case_sections(self.request, case_access),
        }
        if case_access.full:
            context.update(
                timeline=selectors.case_timeline(case),
                open_tasks=extensions.case_open_tasks(case, user),
                charts=extensions.case_charts(case, user),
                home_visits=selectors_visits.case_home_visits(case),
                may_arrange_visit=case.is_open
                and case.status != CaseStatus.REPORTED
                and case_access.may_write,
            )
        return super().get_context_data(**context, **kwargs)
