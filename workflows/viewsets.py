"""The closed loop's pages inside the site: inbox, queue, lists and the task pages,
and the one inbox and queue for every flow (``task_lists.TasksApplication``).

viewflow's lists show every process of the flow; here each one shows only the
processes of cases the user may see (mediation.selectors.cases_visible_to), the case
instead of a process number, and priority cases first.
"""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from viewflow.utils import viewprop
from viewflow.workflow.flow import views

from mediation import selectors

from . import task_lists
from .flows import CaseLoopFlow
from .models import CaseProcess
from .record_tasks import narrowed_viewset_class


def _visible_tasks(view, queryset):
    return queryset.filter(
        process__caseprocess__case__in=selectors.cases_visible_to(view.request.user)
    )


def _tasks_user_may_do(view, queryset, kind):
    """The inbox and the queue: only the visible tasks the user may perform or take."""
    candidates = _visible_tasks(view, queryset)
    return queryset.filter(pk__in=task_lists.tasks_user_may_do(candidates, view.request.user, kind))


class InboxView(task_lists.CaseTaskColumns, views.FlowInboxListView):
    title = _("My tasks")

    @viewprop
    def queryset(self):
        return task_lists.by_priority(_tasks_user_may_do(self, super().queryset, "inbox"))


class QueueView(task_lists.CaseTaskColumns, views.FlowQueueListView):
    title = _("Tasks to take")

    @viewprop
    def queryset(self):
        return task_lists.by_priority(_tasks_user_may_do(self, super().queryset, "queue"))


class ArchiveView(task_lists.CaseTaskColumns, views.FlowArchiveListView):
    title = _("Tasks I have done")
    columns = ("task_title", "brief", "created", "finished")
    finished = task_lists.ArchiveView.finished

    @viewprop
    def queryset(self):
        return task_lists.by_priority(_visible_tasks(self, super().queryset), "-finished")


class TaskListView(task_lists.CaseTaskColumns, views.DashboardTaskListView):
    columns = ("task_title", "brief", "status", "created", "owner")

    @viewprop
    def queryset(self):
        return task_lists.by_priority(_visible_tasks(self, super().queryset), "-created")


class ProcessListView(views.DashboardProcessListView):
    object_link_columns = ("process_id",)

    def get_queryset(self):
        visible = selectors.cases_visible_to(self.request.user)
        return (
            super()
            .get_queryset()
            .filter(case__in=visible)
            .select_related("case")
            .order_by("-created", "-pk")
        )

    def brief(self, process):
        return format_html(
            '<a href="{}">{}</a> <span class="mp-secondary">{}</span>',
            reverse("cases:detail", args=[process.case.pk]),
            process.case.number,
            process.case.title,
        )

    brief.short_description = _("Case")


def _visible_processes(user):
    return CaseProcess.objects.filter(case__in=selectors.cases_visible_to(user))


class CaseLoopViewset(narrowed_viewset_class(_visible_processes)):
    base_template_name = "mediation/base.html"
    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView


case_loop_viewset = CaseLoopViewset(CaseLoopFlow, icon="sync")
tasks_application = task_lists.TasksApplication()
