"""The closed loop's pages inside the site: inbox, queue, lists and the task pages.

viewflow's lists show every process of the flow; here each one shows only the
processes of cases the user may see (mediation.selectors.cases_visible_to).
"""

from viewflow.workflow.flow import views
from viewflow.workflow.flow.viewset import FlowAppViewset

from mediation import selectors

from .flows import CaseLoopFlow


def _visible_tasks(view, queryset):
    return queryset.filter(
        process__caseprocess__case__in=selectors.cases_visible_to(view.request.user)
    )


class QueueView(views.FlowQueueListView):
    @property
    def queryset(self):
        return _visible_tasks(self, super().queryset)


class TaskListView(views.DashboardTaskListView):
    @property
    def queryset(self):
        return _visible_tasks(self, super().queryset)


class ProcessListView(views.DashboardProcessListView):
    def get_queryset(self):
        visible = selectors.cases_visible_to(self.request.user)
        return super().get_queryset().filter(case__in=visible).order_by("-created", "-pk")


class ProcessDetailView(views.DetailProcessView):
    def get_queryset(self):
        visible = selectors.cases_visible_to(self.request.user)
        return super().get_queryset().filter(case__in=visible)


class CaseLoopViewset(FlowAppViewset):
    queue_view_class = QueueView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView


case_loop_viewset = CaseLoopViewset(CaseLoopFlow, icon="sync")
