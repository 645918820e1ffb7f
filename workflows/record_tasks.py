"""Human tasks and pages of the diagnosis flows whose process holds a record, not a case.

The closed loop's ``CaseTask`` finds its case through ``CaseProcess``. A return visit
(复诊) or a patrol round (巡诊) has its own process; ``RecordTask`` decides who may act by
a rule about that record, and the flow's pages list only the processes whose records
the user may see.

``narrowed_viewset_class`` also guards every URL of a flow that names a process
(``process_pk``), a task of it (``task_pk``) or both: before viewflow's own checks, the
process must be one ``visible_processes(user)`` holds, and the task one of that process
at the URL's node. Otherwise the answer is 404, not viewflow's 403, so that a case's
processes and tasks cannot be probed; viewflow's 403 is left for a user who sees the
case but may not act.
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.utils import viewprop
from viewflow.workflow.base import Node
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.viewset import FlowAppViewset
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import task_lists
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


def _guarded(view, visible_processes, node):
    """``view`` behind the check that the URL's process and task are the user's to see."""

    @functools.wraps(view)
    def guard(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        process_pk, task_pk = kwargs.get("process_pk"), kwargs.get("task_pk")
        processes = visible_processes(request.user)
        if process_pk is not None and not processes.filter(pk=process_pk).exists():
            raise Http404
        if task_pk is not None:
            tasks = Task.objects.filter(pk=task_pk, process__in=processes.values("pk"))
            if process_pk is not None:
                tasks = tasks.filter(process_id=process_pk)
            if node is not None:
                tasks = tasks.filter(flow_task=node)
            if not tasks.exists():
                raise Http404
        return view(request, *args, **kwargs)

    guard.process_guarded = True
    return guard


def _guard_urls(patterns, visible_processes, flow_class, node=None) -> None:
    """Put every pattern naming a process or a task, at any depth, behind ``_guarded``."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = getattr(flow_class, entry.namespace or "", None)
            inner = inner if isinstance(inner, Node) else node
            _guard_urls(entry.url_patterns, visible_processes, flow_class, inner)
        elif isinstance(entry, URLPattern) and not getattr(
            entry.callback, "process_guarded", False
        ):
            names = set(entry.pattern.converters)
            if names & {"process_pk", "task_pk"}:
                entry.callback = _guarded(entry.callback, visible_processes, node)


def narrowed_viewset_class(visible_processes) -> type[FlowAppViewset]:
    """A flow's pages that show only ``visible_processes(user)``, a process queryset,
    and answer 404 for any other process or task (``_guarded``)."""

    def visible_tasks(view, queryset):
        return queryset.filter(process__in=visible_processes(view.request.user).values("pk"))

    def may_do(view, queryset, kind):
        """Of ``queryset``, the tasks the user may take (queue) or perform (inbox), each
        asked its own node's rule, as the unified task lists do."""
        candidates = visible_tasks(view, queryset)
        return queryset.filter(
            pk__in=task_lists.tasks_user_may_do(candidates, view.request.user, kind)
        )

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

    class InboxView(flow_views.FlowInboxListView):
        @viewprop
        def queryset(self):
            return may_do(self, super().queryset, "inbox")

    class QueueView(flow_views.FlowQueueListView):
        @viewprop
        def queryset(self):
            return may_do(self, super().queryset, "queue")

    class ArchiveView(flow_views.FlowArchiveListView):
        @viewprop
        def queryset(self):
            return visible_tasks(self, super().queryset)

    class TaskListView(flow_views.DashboardTaskListView):
        @viewprop
        def queryset(self):
            return visible_tasks(self, super().queryset)

    class _NarrowedBulkAction:
        """viewflow's bulk assign and unassign list every task of every flow on their
        confirmation page (a POST without a selection): here only the flow's tasks the
        user sees, which are also the only ones a selection may name."""

        def get_queryset(self):
            self.object_list = visible_tasks(self, super().get_queryset())
            return self.object_list

    class BulkAssignView(_NarrowedBulkAction, flow_views.BulkAssignTasksActionView):
        pass

    class BulkUnassignView(_NarrowedBulkAction, flow_views.BulkUnassignTasksActionView):
        pass

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
        inbox_view_class = InboxView
        queue_view_class = QueueView
        archive_view_class = ArchiveView
        task_list_view_class = TaskListView
        process_list_view_class = ProcessListView
        process_detail_view_class = ProcessDetailView
        tasks_assign_view_class = BulkAssignView
        tasks_unassign_view_class = BulkUnassignView

        def _get_urls(self):
            urls = super()._get_urls()
            _guard_urls(urls, visible_processes, self._flow_class)
            return urls

        def get_context_data(self, request):
            # The menu's counts: only the tasks the lists themselves would show.
            visible = visible_processes(request.user).values("pk")
            return {
                name: tasks.filter(process__in=visible)
                for name, tasks in super().get_context_data(request).items()
            }

    return NarrowedViewset
