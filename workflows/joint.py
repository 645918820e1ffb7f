"""会诊 joint consultation: summon departments (吹哨), each reports in (报到), a joint plan.

start → summon (one ``report_in`` task per summoned department) → report_in ─→ join
                                                                      │ missed its date
                                                                      ↓
          escalate_summons → director_decides → still_owed? ─ yes → report_in (new date)
                                                             └ no  → join
join → joint_plan → resume (the case loop takes the case back) → end

Each branch knows its department's summons from ``task.data["summons"]``; the
escalation path carries it forward. The join waits for every branch of the split.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from mediation import deadlines, extensions, selectors, services_joint
from mediation.extensions import OpenTask
from mediation.models import Case, JointConsultation, Membership
from mediation.selectors_joint import (
    case_has_open_consultation,
    consultations_visible_to,
    user_in_department,
    user_is_district_director,
)

from . import joint_views as views
from .flows import register_diagnosis, resume_case_loop
from .joint_views import consultation_of, summons_of
from .models import JointProcess
from .open_tasks import open_task_entry, open_tasks_of
from .record_tasks import RecordTask


def may_report_in(user, summons) -> bool:
    return user_in_department(user, summons.department)


def may_decide(user, summons) -> bool:
    return user_is_district_director(user, summons.consultation.case)


def may_plan(user, consultation) -> bool:
    return selectors.user_may_handle_case(user, consultation.case)


def back_url(task) -> str:
    """Where a late claimer goes: the consultations' board, which a department may see."""
    return reverse("jointconsultation:index")


class SummonActivation(SplitActivation):
    """One branch per summoned department, each carrying its summons in ``task.data``."""

    @Activation.status.super()
    def activate(self):
        summonses = self.process.consultation.summonses.order_by("pk").values_list("pk", flat=True)
        for node, _cond, _data in self.flow_task._branches:
            self.next_tasks.extend((node, {"summons": pk}) for pk in summonses)
        if not self.next_tasks:
            raise FlowRuntimeError("A joint consultation needs at least one department")


class SummonSplit(flow.Split):
    activation_class = SummonActivation


class JointConsultationFlow(flow.Flow):
    process_class = JointProcess
    process_title = _("Joint consultation")
    process_description = _(
        "Summon departments, collect each one's opinion by its date, and make a joint plan."
    )
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.summon)
    summon = SummonSplit().Annotation(title=_("Summon the departments")).Next(this.report_in)
    report_in = (
        RecordTask(views.ReportInView.as_view())
        .Record(summons_of, back_url)
        .Who(may_report_in)
        .Annotation(title=_("Report in"))
        .OnTimeout(this.report_in_deadline, this.escalate_summons, title=_("Report-in date"))
        .Next(this.join)
    )
    escalate_summons = (
        flow.Function(this.summons_escalate)
        .Annotation(title=_("Escalate to the district centre's director"))
        .Next(this.director_decides, task_data=this.carry_summons)
    )
    director_decides = (
        RecordTask(views.DirectorDecidesView.as_view())
        .Record(summons_of, back_url)
        .Who(may_decide)
        .Annotation(title=_("Answer for the department or extend its date"))
        .Next(this.still_owed, task_data=this.carry_summons)
    )
    still_owed = (
        flow.If(this.summons_still_owed)
        .Annotation(title=_("Deadline extended?"))
        .Then(this.report_in, task_data=this.carry_summons)
        .Else(this.join)
    )
    join = flow.Join().Annotation(title=_("Every department has reported in")).Next(this.joint_plan)
    joint_plan = (
        RecordTask(views.JointPlanView.as_view())
        .Record(consultation_of, back_url)
        .Who(may_plan)
        .Annotation(title=_("Make the joint plan"))
        .Next(this.resume)
    )
    resume = (
        flow.Function(this.resume_handling).Annotation(title=_("Back to handling")).Next(this.end)
    )
    end = flow.End().Annotation(title=_("Planned"))

    def start_process(self, activation, consultation: JointConsultation):
        activation.process.consultation = consultation
        return activation.process

    def carry_summons(self, activation):
        return {"summons": summons_of(activation.task).pk}

    def report_in_deadline(self, activation):
        return deadlines.end_of_day(summons_of(activation.task).due_on)

    def summons_escalate(self, activation):
        services_joint.joint_summons_escalate(summons=summons_of(activation.task))

    def summons_still_owed(self, activation):
        return summons_of(activation.task).reported_at is None

    def resume_handling(self, activation):
        resume_case_loop(activation.process.consultation.case)

    def has_view_permission(self, user, obj=None):
        # Staff of the case's line and of the summoned departments see the consultation.
        if not user.is_authenticated:
            return False
        if obj is not None:
            return consultations_visible_to(user).filter(process__pk=obj.pk).exists()
        return user.is_superuser or Membership.objects.filter(user=user).exists()


def start_joint_consultation(
    *, case: Case, actor, departments: list, due_on, reason: str
) -> JointConsultation:
    """Summon the departments and start the consultation's flow (called by the handle step)."""
    with transaction.atomic():
        consultation = services_joint.joint_consultation_open(
            case=case, actor=actor, departments=departments, due_on=due_on, reason=reason
        )
        JointConsultationFlow.start.run(consultation=consultation)
    return consultation


joint_viewset = views.JointViewset(JointConsultationFlow, icon="groups")


def case_joint_tasks(case: Case, user) -> list[OpenTask]:
    """The case's open consultation tasks, named for their department, for the case page."""
    processes = JointProcess.objects.filter(consultation__case=case)
    entries = []
    for task in open_tasks_of(processes):
        title = str(task.flow_task.task_title)
        if task.flow_task is not JointConsultationFlow.joint_plan:
            title = f"{title}: {summons_of(task).department.name}"
        entries.append(open_task_entry(task, user, title=title))
    return entries


def ready() -> None:
    """Register the flow's pages, its open tasks and its diagnosis check."""
    register_diagnosis(case_has_open_consultation)
    extensions.register_app(joint_viewset)
    extensions.register_task_source(case_joint_tasks)
