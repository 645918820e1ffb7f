"""专诊 leader case: a hard case owned to the end by a responsible leader (包保领导).

start → draft_plan (handler) → approve_plan (leader: approve, or return → draft_plan)
→ progress (handler: file a report → progress again, or record the resolution → sign_off),
with a timer on the owed report's due day → report_missed (alert the leader) → progress
→ sign_off (leader: sign off → resume the case loop → end, or send back → progress).

The case loop waits in ``await_diagnosis`` while the leader case is open; the resolution
the handler records moves the case to verification, and the loop resumes there.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from mediation import deadlines, selectors_leader, services_leader
from mediation.extensions import OpenTask
from mediation.models import Case, CaseStatus, LeaderCase

from .flows import register_diagnosis, resume_case_loop
from .leader_views import (
    ApprovePlanView,
    DraftPlanView,
    ProgressView,
    SignOffView,
    leader_case_of,
)
from .models import LeaderProcess
from .open_tasks import open_task_entry, open_tasks_of
from .record_tasks import RecordTask, narrowed_viewset_class


def leader_processes_visible_to(user):
    """The leader-case processes of cases ``user`` may see, and of those ``user`` leads."""
    return LeaderProcess.objects.filter(
        leader_case__in=selectors_leader.leader_cases_visible_to(user)
    )


def _process_page(task) -> str:
    # Open to the handler and to a leader posted outside the case's organisations.
    return reverse("leadercase:process_detail", args=[task.process_id])


class LeaderTask(RecordTask):
    """A human step; its rule ``rule(user, leader_case) -> bool`` decides who acts."""

    def __init__(self, view, **kwargs):
        super().__init__(view, **kwargs)
        self.Record(leader_case_of, _process_page)


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
        .Who(selectors_leader.user_leads)
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
        .Who(selectors_leader.user_leads)
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


leader_case_viewset = narrowed_viewset_class(leader_processes_visible_to)(
    LeaderCaseFlow, icon="flag"
)


def leader_open_tasks(case: Case, user) -> list[OpenTask]:
    """The case's open leader-case tasks, with the owed report's deadline, for the case page."""
    processes = LeaderProcess.objects.filter(leader_case__case=case)
    return [open_task_entry(task, user, case=case) for task in open_tasks_of(processes)]


def ready() -> None:
    """Register the flow's pages, its tasks on the case page and its diagnosis check."""
    from mediation import extensions

    register_diagnosis(selectors_leader.case_has_open_leader_case)
    extensions.register_app(leader_case_viewset)
    extensions.register_task_source(leader_open_tasks)
