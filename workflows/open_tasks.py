"""The open human tasks of a case, with their deadlines, for the case page.

A task's deadline is the earliest of the moments it answers to: its armed timer
(``OnTimeout``: the timer task waiting behind it) and, for the loop's handling steps,
the end of the case's due date. Past its deadline a task is overdue. A flow that
lists its own tasks can build the same entries with ``open_task_entry``.
"""

import datetime

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from mediation import deadlines
from mediation.extensions import OpenTask
from mediation.models import Case

from .flows import CaseLoopFlow

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# The loop's steps that run against the case's handling deadline (case.due_at).
HANDLING_STEPS = (CaseLoopFlow.start_mediation, CaseLoopFlow.handle)


def task_due(task: Task, case_due_at: datetime.date | None = None) -> datetime.datetime | None:
    """When ``task`` should be done by, or None if nothing holds it to a time.

    ``case_due_at`` is the case's handling deadline (``Case.due_at``)."""
    moments = [
        timer.scheduled
        for timer in task.leading.all()
        if timer.status == STATUS.SCHEDULED and timer.scheduled is not None
    ]
    if case_due_at is not None and task.flow_task in HANDLING_STEPS:
        moments.append(deadlines.end_of_day(case_due_at))
    return min(moments, default=None)


def is_overdue(due: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    return due is not None and due < (now or timezone.now())


def open_tasks_of(processes) -> list[Task]:
    """The open human tasks of ``processes``, with what ``task_due`` reads."""
    return list(
        Task.objects.filter(process__in=processes, flow_task_type="HUMAN", status__in=OPEN)
        .select_related("owner", "process")
        .prefetch_related("leading")
        .order_by("created", "pk")
    )


def _task_url(task: Task, user) -> str:
    node = task.flow_task
    if task.owner_id is None:
        if node.can_assign(user, task):
            return node.reverse("assign", args=[task.process_id, task.pk])
        return ""
    if task.owner_id == user.pk:
        return node.reverse("execute", args=[task.process_id, task.pk])
    return ""


def open_task_entry(task: Task, user, *, title: str = "", case: Case | None = None) -> OpenTask:
    """The case page's entry for one open task, linked to the page that claims or performs it."""
    owner = task.owner.get_full_name() or task.owner.get_username() if task.owner else ""
    due = task_due(task, case.due_at if case is not None else None)
    return OpenTask(
        title=title or str(task.flow_task.task_title),
        url=_task_url(task, user),
        owner=owner,
        due=due,
        overdue=is_overdue(due),
    )


def case_open_tasks(case: Case, user) -> list[OpenTask]:
    """The case loop's open human tasks of ``case``."""
    processes = CaseLoopFlow.process_class.objects.filter(case=case)
    return [open_task_entry(task, user, case=case) for task in open_tasks_of(processes)]
