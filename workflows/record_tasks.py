"""Human tasks and pages of the diagnosis flows whose process holds a record, not a case.

The closed loop's ``CaseTask`` finds its case through ``CaseProcess``. A return visit
(复诊) or a patrol round (巡诊) has its own process; ``RecordTask`` decides who may act by
a rule about that record, and the flow's pages list only the processes whose records
the user may see.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.viewset import FlowAppViewset
from viewflow.workflow.status import STATUS

from .flows import CaseTask
from .views import PoliteAssignTaskView


class RecordAssignView(PoliteAssignTaskView):
    """Claim a record's task; a task someone else claimed first gets a message."""

    def dispatch(self, request, *args, **kwargs):
        activation = request.activation
        task, user = activation.task, request.user
        if task.owner_id is not None and task.owner_id != user.pk:
            messages.warning(
                request, _("Someone else has already taken this task; it is no longer open.")
            )
            return HttpResponseRedirect(activation.flow_task.back_url(task))
        if task.owner_id is None and not activation.flow_task.can_assign(user, task):
            raise PermissionDenied
        return generic.FormView.dispatch(self, request, *args, **kwargs)


class RecordTask(CaseTask):
    """A human step whose performers are decided by a rule about the process's record.

    ``Record(record_of, back_url)``: ``record_of(task)`` loads the record the rule
    ``Who(rule)`` is asked about, ``back_url(task)`` is where a late claimer is sent.
    """

    assign_view_class = RecordAssignView

    def Record(self, record_of, back_url):
        self._record_of, self._back_url = record_of, back_url
        return self

    def record(self, task):
        return self._record_of(task)

    def back_url(self, task) -> str:
        return self._back_url(task)

    def may(self, user, task) -> bool:
        return user is not None and user.is_authenticated and self._who(user, self.record(task))


def narrowed_viewset_class(visible_processes) -> type[FlowAppViewset]:
    """A flow's pages that show only ``visible_processes(user)``, a process queryset."""

    def visible_tasks(view, queryset):
        return queryset.filter(process__in=visible_processes(view.request.user).values("pk"))

    class DashboardView(flow_views.DashboardView):
        def get_context_data(self, **kwargs):
            context = super().get_context_data(**kwargs)
            tasks = visible_tasks(
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

    class QueueView(flow_views.FlowQueueListView):
        @property
        def queryset(self):
            return visible_tasks(self, super().queryset)

    class TaskListView(flow_views.DashboardTaskListView):
        @property
        def queryset(self):
            return visible_tasks(self, super().queryset)

    class ProcessListView(flow_views.DashboardProcessListView):
        def get_queryset(self):
            visible = visible_processes(self.request.user).values("pk")
            return super().get_queryset().filter(pk__in=visible).order_by("-created", "-pk")

    class ProcessDetailView(flow_views.DetailProcessView):
        def get_queryset(self):
            visible = visible_processes(self.request.user).values("pk")
            return super().get_queryset().filter(pk__in=visible)

    class NarrowedViewset(FlowAppViewset):
        dashboard_view_class = DashboardView
        queue_view_class = QueueView
        task_list_view_class = TaskListView
        process_list_view_class = ProcessListView
        process_detail_view_class = ProcessDetailView

        def get_context_data(self, request):
            # The menu's counts: only the tasks the lists themselves would show.
            visible = visible_processes(request.user).values("pk")
            return {
                name: tasks.filter(process__in=visible)
                for name, tasks in super().get_context_data(request).items()
            }

    return NarrowedViewset
