"""Driving the leader case (专诊) through its web pages, as the people who work it."""

from viewflow.workflow.models import Task

from mediation.models import OrgKind, Role
from tests.factories import org, report_case, staff
from workflows.leader import LeaderCaseFlow

from .helpers import OPEN, perform, task_url


def leader_task(case, name: str) -> Task:
    return Task.objects.get(
        process__leaderprocess__leader_case__case=case,
        flow_task=getattr(LeaderCaseFlow, name),
        status__in=OPEN,
    )


def leader_tasks(case, name: str):
    return Task.objects.filter(
        process__leaderprocess__leader_case__case=case,
        flow_task=getattr(LeaderCaseFlow, name),
        status__in=OPEN,
    )


def claim_leader(client, user, case, name: str):
    client.force_login(user)
    return client.post(task_url(leader_task(case, name), "assign"))


def act(client, user, case, name: str, data: dict):
    """Claim the leader-case task ``name`` as ``user`` and submit its form."""
    response = claim_leader(client, user, case, name)
    assert response.status_code == 302, response.status_code
    return client.post(task_url(leader_task(case, name), "execute"), data)


class People:
    """The district's people, plus a district-centre handler and two responsible leaders."""

    def __init__(self, district):
        self.district = district
        self.handler = staff("jk-mediator", district.district, Role.MEDIATOR)
        # The leader is posted outside the case's organisations: a district leader.
        office = org("jk-office", OrgKind.DEPARTMENT, name="区委政法委")
        self.leader = staff("leader", office, Role.RESPONSIBLE_LEADER)
        self.other_leader = staff("leader2", office, Role.RESPONSIBLE_LEADER)


def hard_case_in_mediation(client, district, people: People):
    """A hard case accepted at the street, dispatched to the district centre, in mediation."""
    case = report_case(handling_org=district.street, actor=district.street_staff)
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "hard"})
    perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.district.pk, "mediator": people.handler.pk},
    )
    perform(client, people.handler, case, "start_mediation", {"note": "已约谈双方"})
    case.refresh_from_db()
    return case


def hand_to_leader(client, case, people: People):
    response = perform(
        client, people.handler, case, "handle", {"step": "leader", "leader": people.leader.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def approved_plan(client, case, people: People):
    act(client, people.handler, case, "draft_plan", {"plan": "联合住建、街道分三步化解"})
    act(client, people.leader, case, "approve_plan", {"decision": "approve"})
