"""Driving the closed loop through its web pages, as the people who work it."""

from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.flows import CaseLoopFlow

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def open_task(case, name: str) -> Task:
    return Task.objects.get(
        process__caseprocess__case=case,
        flow_task=getattr(CaseLoopFlow, name),
        status__in=OPEN,
    )


def task_url(task: Task, action: str) -> str:
    # A node learns its URL namespace when the site's URLs are built.
    reverse("cases:list")
    return task.flow_task.reverse(action, args=[task.process_id, task.pk])


def claim(client, user, case, name: str):
    client.force_login(user)
    task = open_task(case, name)
    return client.post(task_url(task, "assign"))


def perform(client, user, case, name: str, data: dict):
    """Claim the task ``name`` as ``user`` and submit its form; returns the response."""
    response = claim(client, user, case, name)
    assert response.status_code == 302, response.status_code
    task = open_task(case, name)
    return client.post(task_url(task, "execute"), data)


def close_case(client, district, case) -> None:
    """Take ``case`` through accept, dispatch, outcome and verification, as the right people."""
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "micro"})
    perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.grid.pk, "mediator": district.grid_worker.pk},
    )
    perform(client, district.grid_worker, case, "start_mediation", {"note": "已电话联系双方"})
    perform(
        client,
        district.grid_worker,
        case,
        "handle",
        {"step": "outcome", "outcome": "agreement", "summary": "和解"},
    )
    perform(client, district.street_staff, case, "verify", {"checked": "on"})
    case.refresh_from_db()
    assert case.status == "closed"
