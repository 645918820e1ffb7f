"""Performing a human task from code, the way its web page does: for the demo and the bench.

The page claims the task, starts it, calls one mediation service and executes the
task, all under the flow's lock. Code that seeds a demo or measures the engine does
the same, so that what it makes is what people would have made through the pages.
"""

import functools

from django.core.exceptions import FieldDoesNotExist
from viewflow.workflow.models import Process
from viewflow.workflow.status import STATUS

from mediation.atomic import hold, whole_step
from mediation.models import Case

from .engine import lock_by_reading

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def open_task(flow_class, node, **process_filter):
    """The one open task of ``node`` in the process matching ``process_filter``."""
    return flow_class.task_class.objects.get(
        flow_task=node,
        status__in=OPEN,
        **{f"process__{key}": value for key, value in process_filter.items()},
    )


def _process_path(flow_class) -> str:
    """``process``, followed to the flow's process class when it is a subclass of Process."""
    link = flow_class.process_class._meta.parents.get(Process)
    return f"process__{link.remote_field.get_accessor_name()}" if link else "process"


@functools.cache
def _holds_case(flow_class) -> bool:
    try:
        field = flow_class.process_class._meta.get_field("case")
    except FieldDoesNotExist:
        return False
    return field.related_model is Case and not field.null


def task_perform(task, user, action=None, check=None):
    """Claim ``task`` for ``user``, run ``action()`` (a service call) and finish the task;
    returns what ``action`` returned.

    The flow's lock is the transaction: claim, service call and the next tasks commit
    together or not at all. ``check(task)``, called on the task read again under the
    lock, may refuse a task someone else has taken meanwhile.
    """
    flow_class = task.flow_task.flow_class
    return _perform(flow_class, task.process_id, {"pk": task.pk}, user, action, check)


def node_perform(node, process_pk, user, action=None):
    """``task_perform`` on the open task of ``node`` in the process ``process_pk``,
    read once, under the lock: what a page does with the task id in its address."""
    lookup = {"process_id": process_pk, "flow_task": node, "status__in": OPEN}
    return _perform(node.flow_class, process_pk, lookup, user, action, None)


def _perform(flow_class, process_pk, lookup, user, action, check):
    # The task, with its process as the flow's process class: one query for what
    # refresh_from_db() and the activation's process would read in three. Where the
    # flow's lock allows, the same query takes the lock (FOR UPDATE OF the process's row).
    path = _process_path(flow_class)
    tasks = flow_class.task_class._default_manager.select_related(path)
    # A flow whose process holds the case (the case loop) locks the case's row in the
    # same query: the step's service would lock and read it next (``atomic.hold``).
    with_case = _holds_case(flow_class)
    locked = (path, f"{path}__case") if with_case else (path,)

    def locking_query():
        # An inner join: PostgreSQL locks no row on the nullable side of an outer one.
        inner = {f"{path}__isnull": False} if path != "process" else {}
        # The case's centre comes along unlocked: the services' rules read it.
        related = (*locked, f"{path}__case__centre") if with_case else locked
        query = tasks.select_related(*related).select_for_update(nowait=True, of=locked)
        return query.get(**inner, **lookup)

    with whole_step(), lock_by_reading(locking_query) as read, flow_class.lock(process_pk):
        if read.done:
            task = read.result
            if with_case:
                hold(task.process.coerced.case)
        else:
            task = tasks.get(**lookup)
        if check is not None:
            check(task)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            # The claim and the step commit together: the claim is written by the
            # step's own save of the task, not by an UPDATE of its own before it.
            task.owner = user
            task.status = STATUS.ASSIGNED
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        result = action() if action is not None else None
        _keep_case(activation.process, result)
        activation.execute()
    return result


def _keep_case(process, result) -> None:
    """The case a service returned, locked and changed in this transaction, is what the
    next steps' conditions and deadlines read: keep it on the process, unread again."""
    case_id = getattr(process, "case_id", None)
    if case_id is not None and isinstance(result, Case) and result.pk == case_id:
        process.case = result
