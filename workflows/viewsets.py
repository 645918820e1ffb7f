"""The closed loop's pages inside the site: inbox, queue, lists and the task pages.

viewflow's lists show every process of the flow; here each one shows only the
processes of cases the user may see (mediation.selectors.cases_visible_to).
"""

from django.db.models import Q
from viewflow.workflow.flow import views
from viewflow.workflow.flow.viewset import FlowAppViewset
from viewflow.workflow.status import STATUS

from mediation import selectors

from .flows import CaseLoopFlow


def _visible_tasks(view, queryset):
    return queryset.filter(
        process__caseprocess__case__in=selectors.cases_visible_to(view.request.user)
    )


class DashboardView(views.DashboardView):
    """The kanban board, with only the tasks of cases the user may see."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tasks = _visible_tasks(
            self,
            self.flow_class.task_class._default_manager.filter_available(
                [self.flow_class], self.request.user
            ),
        )
        for column in context["columns"]:
            column["tasks"] = tasks.filter(
                Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=column["node"]
            )[: self.MAX_ROWS]
        context["finished"] = tasks.filter(
            finished__isnull=False, flow_task__in=context["end_nodes"]
        )[: self.MAX_ROWS]
        return context


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
    dashboard_view_class = DashboardView
    queue_view_class = QueueView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView


case_loop_viewset = CaseLoopViewset(CaseLoopFlow, icon="sync")
