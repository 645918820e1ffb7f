"""Task lists that speak of cases: the case in the Brief column, priority cases first.

``CaseTaskColumns`` dresses any viewflow task list; ``TasksApplication`` is the one
inbox, queue and archive for every registered flow. Which tasks a user may see is
each flow's own business: the unified lists ask every registered flow application
for the tasks its own inbox, queue or archive shows the user, and merge them.

viewflow's queue offers every task without a permission to everyone who may view the
flow, and our tasks decide their performers by a rule (``CaseTask.Who``), not a
permission. So the inbox and the queue keep only the tasks the user may do: each
candidate is asked its own rule (``can_execute`` for the inbox, ``can_assign`` for the
queue). The loop's candidates are first narrowed in SQL to the cases the user handles
or runs (``access.case_write_condition``), a superset of every loop rule.
"""

import django_filters
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application
from viewflow.utils import viewprop
from viewflow.views import ListModelView
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.flow.views import mixins as flow_mixins
from viewflow.workflow.models import Task

from mediation import access, extensions

from .case_links import with_case
from .flows import CaseLoopFlow
from .open_tasks import is_overdue, task_due


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def by_priority(tasks, *then):
    """Priority cases (a party from a special group) first, then the oldest task first."""
    return (
        with_case(tasks)
        .select_related("process", "owner")
        .order_by("-case_priority", *(then or ("created",)), "pk")
    )


class CaseTaskColumns:
    """Columns for a list of tasks: the task, its case, its deadline, when it was created."""

    columns = ("task_title", "brief", "due", "created")
    object_link_columns = ()

    def get_queryset(self):
        # The deadline column reads each task's armed timers.
        return super().get_queryset().prefetch_related("leading")

    def task_title(self, task):
        url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        return format_html('<a href="{}">{}</a>', url, task.title)

    task_title.short_description = _("Task")
    task_title.orderby_column = "flow_task"

    def brief(self, task):
        """The case number and title instead of viewflow's process number."""
        if getattr(task, "case_pk", None) is None:
            return str(task.process.coerced)
        marker = format_html(
            '<i class="material-icons mp-priority" title="{}">priority_high</i> ',
            _("A party belongs to a special group"),
        )
        return format_html(
            '{}<a href="{}">{}</a> <span class="mp-secondary">{}</span>',
            marker if task.case_priority else "",
            reverse("cases:detail", args=[task.case_pk]),
            task.case_number,
            task.case_title,
        )

    brief.short_description = _("Case")

    def due(self, task):
        moment = task_due(task, getattr(task, "case_due_at", None))
        if moment is None:
            return "—"
        if is_overdue(moment):
            return format_html(
                '<span class="mp-overdue">{}</span> <span class="mp-overdue__label">{}</span>',
                extensions.deadline_label(moment),
                _("overdue"),
            )
        return extensions.deadline_label(moment)

    due.short_description = _("Deadline")

    def created(self, task):
        return _when(task.created)

    created.short_description = _("Created")
    created.orderby_column = "created"


class TaskFilter(django_filters.FilterSet):
    flow_task = django_filters.ChoiceFilter(label=_("Task"))
    created = django_filters.DateRangeFilter(label=_("Created"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = self.queryset.order_by().values_list("flow_task", flat=True).distinct()
        self.filters["flow_task"].field.choices = sorted(
            (get_task_ref(node), f"{node.flow_class.process_title} / {node.task_title}")
            for node in nodes
        )

    class Meta:
        model = Task
        fields = ("flow_task", "created")


def flow_applications() -> list:
    """The registered applications that each run one flow."""
    return [app for app in extensions.apps() if hasattr(app, "_flow_class")]


def _flow_list(app, request, kind: str):
    """The tasks ``app``'s own ``kind`` list (inbox, queue, archive) shows the user."""
    view_class = getattr(app, f"{kind}_view_class")
    view = view_class(**getattr(app, f"get_{kind}_view_kwargs")())
    view.setup(request)
    return view.queryset


# The rule a task in each list answers to: may the user take it, or perform it.
_RULES = {"queue": "can_assign", "inbox": "can_execute"}


def _candidates(app, request, kind: str):
    tasks = _flow_list(app, request, kind)
    if app._flow_class is CaseLoopFlow and kind == "queue":
        writable = access.cases_writable_by(request.user).values("pk")
        tasks = tasks.filter(process__caseprocess__case__in=writable)
    return tasks


def tasks_user_may_do(tasks, user, kind: str) -> list[int]:
    """The pks of ``tasks`` that ``user`` may take (``queue``) or perform (``inbox``),
    each asked its own node's rule."""
    rule = _RULES[kind]
    return [task.pk for task in tasks if getattr(task.flow_task, rule)(user, task)]


def user_tasks(request, kind: str):
    """The user's ``kind`` tasks of every registered flow, as one queryset: for the inbox
    and the queue, only those the user may do (asked once per request: the list and
    the menu's counts share the answer)."""
    answered = request.__dict__.setdefault("_tasks_user_may_do", {})
    condition = Q(pk__in=[])
    for app in flow_applications():
        if not app._flow_class.instance.has_view_permission(request.user):
            continue
        if kind in _RULES:
            key = (app._flow_class, kind)
            if key not in answered:
                candidates = _candidates(app, request, kind)
                answered[key] = tasks_user_may_do(candidates, request.user, kind)
            condition |= Q(pk__in=answered[key])
        else:
            condition |= Q(pk__in=_flow_list(app, request, kind).values("pk"))
    return Task.objects.filter(condition)


def may_see_tasks(user) -> bool:
    return any(app._flow_class.instance.has_view_permission(user) for app in flow_applications())


class UserTaskListView(CaseTaskColumns, flow_mixins.StoreRequestPathMixin, ListModelView):
    model = Task
    kind = "inbox"
    filterset_class = TaskFilter
    template_name = "viewflow/views/list.html"

    def has_view_permission(self, user, obj=None):
        return may_see_tasks(user)

    @viewprop
    def queryset(self):
        if self.kind == "archive":
            return by_priority(user_tasks(self.request, self.kind), "-finished")
        return by_priority(user_tasks(self.request, self.kind))


class InboxView(UserTaskListView):
    title = _("My tasks")
    kind = "inbox"


class QueueView(UserTaskListView):
    title = _("Tasks to take")
    kind = "queue"


class ArchiveView(UserTaskListView):
    title = _("Tasks I have done")
    kind = "archive"
    columns = ("task_title", "brief", "created", "finished")

    def finished(self, task):
        return _when(task.finished) if task.finished else "—"

    finished.short_description = _("Finished")


class TasksApplication(Application):
    """One inbox, one queue and one archive for the tasks of every flow."""

    app_name = "tasks"
    title = _("Tasks")
    icon = "assignment"
    base_template_name = "mediation/base.html"
    menu_template_name = "workflows/tasks_menu.html"

    index_path = path("", InboxView.as_view(), name="index")
    inbox_path = path("inbox/", InboxView.as_view(), name="inbox")
    queue_path = path("queue/", QueueView.as_view(), name="queue")
    archive_path = path("archive/", ArchiveView.as_view(), name="archive")

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass to the lists, which send them to the login page
        # (viewflow's middleware would answer 403); the menu is not shown to them.
        return not user.is_authenticated or may_see_tasks(user)

    def get_context_data(self, request):
        flows = [
            extensions.MenuEntry(
                title=app.title,
                url=app.reverse("index"),
                icon=getattr(app.icon, "icon_name", app.icon) or "account_tree",
            )
            for app in flow_applications()
            if app._flow_class.instance.has_view_permission(request.user)
        ]
        return {
            "flow_apps": flows,
            "inbox_count": user_tasks(request, "inbox").count(),
            "queue_count": user_tasks(request, "queue").count(),
        }


def task_menu_entries(request) -> list:
    """ "My tasks" and "Tasks to take" for the menu on every page. No counts here: they
    would cost every page a query per flow; the task pages' own menu shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [
        extensions.MenuEntry(title=_("My tasks"), url=reverse("tasks:inbox"), icon="inbox"),
        extensions.MenuEntry(
            title=_("Tasks to take"), url=reverse("tasks:queue"), icon="assignment"
        ),
    ]
