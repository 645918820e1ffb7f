"""Each role's inbox and queue (tasks:inbox, tasks:queue) show exactly the tasks it may do,
and viewflow's model-wide ``view`` permission opens nothing."""

import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from mediation import access
from mediation.demo_district import district_build
from mediation.models import OrgKind, Role
from tests.factories import org, report_case, staff
from tests.workflows.helpers import claim, open_task, perform
from tests.workflows.helpers_joint import case_in_mediation, joint_task, summon
from workflows.flows import CaseLoopFlow
from workflows.joint import JointConsultationFlow

pytestmark = pytest.mark.django_db


@dataclasses.dataclass
class Board:
    """Open tasks of every kind, and one user per role."""

    users: dict
    tasks: dict  # name → Task


@pytest.fixture
def board(client, district) -> Board:
    d = district
    users = {
        "street_staff": d.street_staff,
        "other_street_staff": d.other_street_staff,
        "centre_staff": d.centre_staff,
        "grid_worker": d.grid_worker,
        "street_director": staff("street-director", d.street, Role.CENTRE_DIRECTOR),
        "director": staff("director", d.district, Role.CENTRE_DIRECTOR),
        "mediator": staff("street-mediator", d.street, Role.MEDIATOR),
        "clerk": staff("clerk", d.court, Role.COURT_CLERK),
    }
    housing = org("jk-housing", OrgKind.DEPARTMENT, d.district, name="经开区住建局")
    users["liaison"] = staff("housing-liaison", housing, Role.DEPARTMENT_LIAISON)
    manager = d.street_staff

    reported = report_case(handling_org=d.street, actor=manager, title="待受理")
    to_grid = report_case(handling_org=d.street, actor=manager, title="网格员处置")
    perform(client, manager, to_grid, "review", {"decision": "accept", "tier": "micro"})
    perform(
        client,
        manager,
        to_grid,
        "dispatch",
        {"organisation": d.grid.pk, "mediator": d.grid_worker.pk},
    )
    to_street = report_case(handling_org=d.street, actor=manager, title="街道处置")
    perform(client, manager, to_street, "review", {"decision": "accept", "tier": "medium"})
    perform(client, manager, to_street, "dispatch", {"organisation": d.street.pk})
    claimed = report_case(handling_org=d.street, actor=manager, title="已领取")
    assert claim(client, manager, claimed, "review").status_code == 302
    elsewhere = report_case(handling_org=d.other_street, actor=d.other_street_staff, title="湖滨")
    summoned = case_in_mediation(client, d)
    summon(client, d, summoned, [housing])
    return Board(
        users=users,
        tasks={
            "review": open_task(reported, "review"),
            "start_at_grid": open_task(to_grid, "start_mediation"),
            "start_at_street": open_task(to_street, "start_mediation"),
            "claimed_review": open_task(claimed, "review"),
            "review_elsewhere": open_task(elsewhere, "review"),
            "report_in": joint_task(summoned, "report_in", housing),
        },
    )


QUEUES = {
    "street_staff": {"review", "start_at_street"},
    "street_director": {"review", "start_at_street"},
    "mediator": {"start_at_street"},
    "grid_worker": {"start_at_grid"},
    "other_street_staff": {"review_elsewhere"},
    # They see every case of the district, but run none of these steps.
    "centre_staff": set(),
    "director": set(),
    "liaison": {"report_in"},
    "clerk": set(),
}
INBOXES = {role: set() for role in QUEUES} | {"street_staff": {"claimed_review"}}


def listed(client, user, name) -> set[int]:
    client.force_login(user)
    response = client.get(reverse(f"tasks:{name}"))
    assert response.status_code in (200, 403)
    if response.status_code == 403:
        return set()
    return {task.pk for task in response.context["object_list"]}


def names(board, pks) -> set[str]:
    return {name for name, task in board.tasks.items() if task.pk in pks}


@pytest.mark.parametrize("role", sorted(QUEUES))
def test_each_role_s_queue_shows_exactly_the_tasks_it_may_take(client, board, role):
    assert names(board, listed(client, board.users[role], "queue")) == QUEUES[role]


@pytest.mark.parametrize("role", sorted(INBOXES))
def test_each_role_s_inbox_shows_exactly_the_tasks_it_may_perform(client, board, role):
    assert names(board, listed(client, board.users[role], "inbox")) == INBOXES[role]


@pytest.mark.parametrize("role", sorted(QUEUES))
def test_queue_is_every_open_task_whose_rule_lets_the_user_take_it(client, board, role):
    """The whole queue, not only the board's named tasks: the tasks' own rules decide."""
    user = board.users[role]
    open_human = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW)
    may_take = {task.pk for task in open_human if task.flow_task.can_assign(user, task)}
    assert listed(client, user, "queue") == may_take


def test_everyone_a_loop_rule_lets_act_sees_the_case(board):
    """The loop's rules never hand a step to someone who may not see its case."""
    loop_tasks = Task.objects.filter(
        flow_task_type="HUMAN", status=STATUS.NEW, process__flow_class=CaseLoopFlow
    )
    for task in loop_tasks:
        case_id = task.process.coerced.case_id
        for user in board.users.values():
            if task.flow_task.can_assign(user, task):
                assert access.may_see_case(user, case_id), (user, task)


def test_a_claimed_task_leaves_the_inbox_once_its_rule_no_longer_holds(client, board, district):
    task = board.tasks["start_at_grid"]
    case = task.process.coerced.case
    assert claim(client, district.grid_worker, case, "start_mediation").status_code == 302
    assert task.pk in listed(client, district.grid_worker, "inbox")
    # The case now names another mediator (as after a recusal and a new designation).
    case.mediator = board.users["mediator"]
    case.save(update_fields=["mediator"])
    assert task.pk not in listed(client, district.grid_worker, "inbox")


def test_joint_consultation_task_is_in_no_queue_but_the_summoned_department_s(client, board):
    task = board.tasks["report_in"]
    assert task.flow_task.flow_class is JointConsultationFlow
    for role, user in board.users.items():
        assert (task.pk in listed(client, user, "queue")) == (role == "liaison"), role


# viewflow's model-wide view permission.

PROCESS_VIEW_PERMISSIONS = (
    "workflows.view_caseprocess",
    "workflows.view_jointprocess",
    "workflows.view_leaderprocess",
    "workflows.view_followupprocess",
    "workflows.view_referralprocess",
    "viewflow.view_process",
    "mediation.view_case",
)


def test_no_demo_role_holds_a_model_wide_view_permission(db):
    district_build()
    User = get_user_model()
    holders = [
        (user.username, perm)
        for user in User.objects.filter(is_superuser=False)
        for perm in PROCESS_VIEW_PERMISSIONS
        if user.has_perm(perm)
    ]
    assert holders == []
    assert User.objects.filter(is_superuser=False, memberships__isnull=False).exists()


def test_model_wide_view_permission_opens_no_case_beyond_the_user_s_rules(client, board, district):
    user = board.users["other_street_staff"]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=("workflows", "viewflow", "mediation"),
            codename__startswith="view_",
        )
    )
    user = get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    assert user.has_perm("workflows.view_caseprocess")
    visible = set(access.cases_visible_to(user).values_list("title", flat=True))
    assert visible == {"湖滨"}
    client.force_login(user)
    processes = client.get(reverse("caseloop:process_list")).context["object_list"]
    assert {p.case.title for p in processes} == {"湖滨"}
    assert names(board, listed(client, user, "queue")) == {"review_elsewhere"}
    review = board.tasks["review"]
    detail = reverse("caseloop:process_detail", args=[review.process_id])
    assert client.get(detail).status_code in (403, 404)
