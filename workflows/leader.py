"""专诊 leader case: a hard case owned to the end by a responsible leader (包保领导).

start → draft_plan (handler) → approve_plan (leader: approve, or return → draft_plan)
→ progress (handler: file a report → progress again, or record the resolution → sign_off),
with a timer on the owed report's due day → report_missed (alert the leader) → progress
→ sign_off (leader: sign off → resume the case loop → end, or send back → progress).

The case loop waits in ``await_diagnosis`` while the leader case is open; the resolution
the handler records moves the case to verification, and the loop resumes there.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.viewset import FlowAppViewset
from viewflow.workflow.status import STATUS

from mediation import deadlines, selectors_leader, services_leader
from mediation.extensions import OpenTask
from mediation.models import Case, CaseStatus, LeaderCase

from .flows import CaseTask, register_diagnosis, resume_case_loop
from .leader_views import (
    ApprovePlanView,
    DraftPlanView,
    LeaderAssignView,
    ProgressView,
    SignOffView,
    leader_case_of,
)
from .models import LeaderProcess


class LeaderTask(CaseTask):
    """A human step of the leader case; the rule is asked about the leader case's case."""

    assign_view_class = LeaderAssignView

    def may(self, user, task) -> bool:
        return (
            user is not None
            and user.is_authenticated
            and self._who(user, leader_case_of(task).case)
        )


def _case_status(activation) -> str:
    return leader_case_of(activation.process).case.status


class LeaderCaseFlow(flow.Flow):
    process_class = LeaderProcess
    process_title = _("Leader case")
    process_description = _(
        "A responsible leader approves the resolution plan, receives progress reports "
        "and signs off the resolution of a hard case."
    )
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.draft_plan)

    draft_plan = (
        LeaderTask(DraftPlanView.as_view())
        .Who(selectors_leader.user_may_handle_leader_case)
        .Annotation(title=_("Draft the resolution plan"))
        .Next(this.approve_plan)
    )
    approve_plan = (
        LeaderTask(ApprovePlanView.as_view())
        .Who(selectors_leader.user_leads_case)
        .Annotation(title=_("Approve the resolution plan"))
        .Next(this.check_approved)
    )
    check_approved = (
        flow.If(lambda a: leader_case_of(a.process).plan_approved_at is not None)
        .Annotation(title=_("Plan approved?"))
        .Then(this.progress)
        .Else(this.draft_plan)
    )
    progress = (
        LeaderTask(ProgressView.as_view())
        .Who(selectors_leader.user_may_handle_leader_case)
        .Annotation(title=_("Report progress or record the resolution"))
        .OnTimeout(this.report_deadline, this.report_missed, title=_("Progress report due"))
        .Next(this.check_resolved)
    )
    report_missed = (
        flow.Function(this.mark_report_missed)
        .Annotation(title=_("Alert the leader: report missed"))
        .Next(this.progress)
    )
    check_resolved = (
        flow.If(lambda a: _case_status(a) == CaseStatus.VERIFYING)
        .Annotation(title=_("Resolution recorded?"))
        .Then(this.sign_off)
        .Else(this.progress)
    )
    sign_off = (
        LeaderTask(SignOffView.as_view())
        .Who(selectors_leader.user_leads_case)
        .Annotation(title=_("Sign off the resolution"))
        .Next(this.check_signed_off)
    )
    check_signed_off = (
        flow.If(lambda a: leader_case_of(a.process).signed_off_at is not None)
        .Annotation(title=_("Signed off?"))
        .Then(this.resume)
        .Else(this.progress)
    )
    resume = (
        flow.Function(this.resume_loop)
        .Annotation(title=_("Back to the case loop for verification"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Signed off"))

    def start_process(self, activation, leader_case: LeaderCase):
        activation.process.leader_case = leader_case
        return activation.process

    def report_deadline(self, activation):
        """The end of the owed report's due day; the timer then marks it missed."""
        owed = selectors_leader.leader_case_owed_report(leader_case_of(activation.process))
        due_on = owed.due_on if owed else deadlines.progress_report_due(timezone.localdate())
        return deadlines.end_of_day(due_on)

    def mark_report_missed(self, activation):
        services_leader.progress_report_mark_missed(leader_case=leader_case_of(activation.process))

    def resume_loop(self, activation):
        resume_case_loop(leader_case_of(activation.process).case)

    def has_view_permission(self, user, obj=None):
        if not user.is_authenticated:
            return False
        if obj is not None:
            return (
                selectors_leader.leader_cases_visible_to(user).filter(process__pk=obj.pk).exists()
            )
        return selectors_leader.user_may_see_leader_cases(user)


def start_leader_case(*, case: Case, actor, leader) -> LeaderCase:
    """Called by the case loop's handle step: appoint the leader and start the flow."""
    leader_case = services_leader.leader_case_open(case=case, actor=actor, leader=leader)
    LeaderCaseFlow.start.run(leader_case=leader_case)
    return leader_case


# The flow's pages: lists narrowed to the leader cases the user may see or leads.


def _visible_tasks(view, queryset):
    visible = selectors_leader.leader_cases_visible_to(view.request.user)
    return queryset.filter(process__leaderprocess__leader_case__in=visible)


class DashboardView(flow_views.DashboardView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tasks = _visible_tasks(
            self,
            self.flow_class.task_class._default_manager.filter_available(
                [self.flow_class], self.request.user
            ),
        )
        for column in context["columns"]:
            column["tasks"] = tasks.filter(
                Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=column["node"]
            )[: self.MAX_ROWS]
        context["finished"] = tasks.filter(
            finished__isnull=False, flow_task__in=context["end_nodes"]
        )[: self.MAX_ROWS]
        return context


class QueueView(flow_views.FlowQueueListView):
    @property
    def queryset(self):
        return _visible_tasks(self, super().queryset)


class TaskListView(flow_views.DashboardTaskListView):
    @property
    def queryset(self):
        return _visible_tasks(self, super().queryset)


class ProcessListView(flow_views.DashboardProcessListView):
    def get_queryset(self):
        visible = selectors_leader.leader_cases_visible_to(self.request.user)
        return super().get_queryset().filter(leader_case__in=visible).order_by("-created", "-pk")


class ProcessDetailView(flow_views.DetailProcessView):
    def get_queryset(self):
        visible = selectors_leader.leader_cases_visible_to(self.request.user)
        return super().get_queryset().filter(leader_case__in=visible)


class LeaderCaseViewset(FlowAppViewset):
    dashboard_view_class = DashboardView
    queue_view_class = QueueView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView


leader_case_viewset = LeaderCaseViewset(LeaderCaseFlow, icon="flag")


def leader_open_tasks(case: Case, user) -> list[OpenTask]:
    """The case's open leader-case tasks, linked to the page that claims or performs them."""
    tasks = (
        LeaderCaseFlow.task_class.objects.filter(
            process__leaderprocess__leader_case__case=case,
            flow_task_type="HUMAN",
            status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED),
        )
        .select_related("owner")
        .order_by("created")
    )
    result = []
    for task in tasks:
        node = task.flow_task
        url = ""
        if task.owner_id is None and node.can_assign(user, task):
            url = node.reverse("assign", args=[task.process_id, task.pk])
        elif task.owner_id == user.pk:
            url = node.reverse("execute", args=[task.process_id, task.pk])
        owner = (task.owner.get_full_name() or task.owner.get_username()) if task.owner else ""
        result.append(OpenTask(title=str(node.task_title), url=url, owner=owner))
    return result


def ready() -> None:
    """Register the flow's pages, its tasks on the case page and its diagnosis check."""
    from mediation import extensions

    register_diagnosis(selectors_leader.case_has_open_leader_case)
    extensions.register_app(leader_case_viewset)
    extensions.register_task_source(leader_open_tasks)
