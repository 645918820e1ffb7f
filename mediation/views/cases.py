"""The case list and the case detail page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views import generic

from .. import extensions, selectors, selectors_visits
from ..forms import CaseFilterForm
from ..models import CaseStatus


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
    template_name = "mediation/case_detail.html"

    def get_context_data(self, **kwargs):
        case = selectors.case_get(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(
            case=case,
            parties=selectors.case_parties(case),
            timeline=selectors.case_timeline(case),
            open_tasks=extensions.case_open_tasks(case, self.request.user),
            charts=extensions.case_charts(case, self.request.user),
            home_visits=selectors_visits.case_home_visits(case),
            may_arrange_visit=case.is_open
            and case.status != CaseStatus.REPORTED
            and (
                selectors.user_may_handle_case(self.request.user, case)
                or selectors.user_may_manage_case(self.request.user, case)
            ),
            **kwargs,
        )
