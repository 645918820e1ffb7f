"""Performing a human task from code, the way its web page does: for the demo and the bench.

The page claims the task, starts it, calls one mediation service and executes the
task, all under the flow's lock. Code that seeds a demo or measures the engine does
the same, so that what it makes is what people would have made through the pages.
"""

from django.db import transaction
from viewflow.workflow.status import STATUS


def open_task(flow_class, node, **process_filter):
    """The one open task of ``node`` in the process matching ``process_filter``."""
    return flow_class.task_class.objects.get(
        flow_task=node,
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
        **{f"process__{key}": value for key, value in process_filter.items()},
    )


def task_perform(task, user, action) -> None:
    """Claim ``task`` for ``user``, run ``action()`` (a service call) and finish the task."""
    flow_class = task.flow_task.flow_class
    with transaction.atomic(), flow_class.lock(task.process_id):
        task.refresh_from_db()
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(user)
        activation.start(None)
        action()
        activation.execute()
