"""The open human tasks of a case, across every flow, for the case page."""

from viewflow.workflow.status import STATUS

from mediation.extensions import OpenTask
from mediation.models import Case

from .flows import CaseLoopFlow


def case_open_tasks(case: Case, user) -> list[OpenTask]:
    """The case's open human tasks, linked to the page that claims or performs them."""
    tasks = (
        CaseLoopFlow.task_class.objects.filter(
            process__caseprocess__case=case,
            flow_task_type="HUMAN",
            status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED),
        )
        .select_related("owner")
        .order_by("created")
    )
    result = []
    for task in tasks:
        node = task.flow_task
        if task.owner_id is None:
            url = (
                node.reverse("assign", args=[task.process_id, task.pk])
                if node.can_assign(user, task)
                else ""
            )
        elif task.owner_id == user.pk:
            url = node.reverse("execute", args=[task.process_id, task.pk])
        else:
            url = ""
        owner = task.owner.get_full_name() or task.owner.get_username() if task.owner else ""
        result.append(OpenTask(title=str(node.task_title), url=url, owner=owner))
    return result
