"""Driving a joint consultation (会诊) through its web pages, as the people who work it."""

import dataclasses
import datetime

from django.utils import timezone
from viewflow.workflow.models import Task

from mediation.models import OrgKind, Role
from tests.factories import org, report_case, staff
from workflows.joint import JointConsultationFlow
from workflows.joint_views import summons_of

from .helpers import OPEN, perform, task_url


@dataclasses.dataclass
class Departments:
    police: object
    housing: object
    police_liaison: object
    housing_liaison: object
    director: object


def make_departments(district) -> Departments:
    police = org("jk-police", OrgKind.DEPARTMENT, district.district, name="经开区公安分局")
    housing = org("jk-housing", OrgKind.DEPARTMENT, district.district, name="经开区住建局")
    return Departments(
        police=police,
        housing=housing,
        police_liaison=staff("police-liaison", police, Role.DEPARTMENT_LIAISON),
        housing_liaison=staff("housing-liaison", housing, Role.DEPARTMENT_LIAISON),
        director=staff("jk-director", district.district, Role.CENTRE_DIRECTOR),
    )


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def case_in_mediation(client, district):
    """A medium case handled by the street centre, mediation started, through the loop's pages."""
    case = report_case(handling_org=district.street, actor=district.street_staff)
    handler = district.street_staff
    perform(client, handler, case, "review", {"decision": "accept", "tier": "medium"})
    perform(client, handler, case, "dispatch", {"organisation": district.street.pk})
    perform(client, handler, case, "start_mediation", {"note": "约谈双方"})
    return case


def summon(client, district, case, departments, due_on=None, reason="请各部门提出处理意见"):
    """The handler chooses a joint consultation at the handle step; returns the response."""
    data = {"step": "joint", "departments": [d.pk for d in departments], "joint_reason": reason}
    if due_on is not None:
        data["report_in_by"] = due_on.isoformat()
    return perform(client, district.street_staff, case, "handle", data)


def joint_tasks(case, name: str, statuses=OPEN) -> list[Task]:
    return list(
        Task.objects.filter(
            process__jointprocess__consultation__case=case,
            flow_task=getattr(JointConsultationFlow, name),
            status__in=statuses,
        ).order_by("pk")
    )


def joint_task(case, name: str, department=None) -> Task:
    tasks = joint_tasks(case, name)
    if department is not None:
        tasks = [t for t in tasks if summons_of(t).department == department]
    assert len(tasks) == 1, tasks
    return tasks[0]


def do(client, user, task: Task, data: dict):
    """Claim ``task`` as ``user`` and submit its form; returns the response."""
    client.force_login(user)
    response = client.post(task_url(task, "assign"))
    assert response.status_code == 302, response.status_code
    return client.post(task_url(task, "execute"), data)
