"""复诊 follow-up: a closed case is visited again; a recurred dispute opens a new case.

start → wait (database timer, until the start of the visit's due day) → visit → end.

mediation sends ``case_closed`` after a case closes; the receiver here schedules the
return visit (``services_followup.return_visit_schedule``) and starts the flow. The
visit records "stable" or "recurred"; a recurred dispute opens a new case, linked to
the old one, which enters the closed loop by itself.
"""

from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from mediation import deadlines, extensions, selectors, services_followup
from mediation.atomic import whole_step
from mediation.models import Case, Membership, ReturnVisit, ReturnVisitResult

from .engine import CaseStartHandle, CaseTimer, process_lock
from .models import FollowUpProcess
from .open_tasks import open_task_entry, open_tasks_of
from .record_tasks import RecordTask, narrowed_viewset_class
from .views import CaseTaskView


def visit_of(task_or_process) -> ReturnVisit:
    """The return visit of a follow-up process, or of one of its tasks."""
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return ReturnVisit.objects.select_related("case").get(process__pk=process_pk)


def may_visit(user, visit: ReturnVisit) -> bool:
    """Centre staff who may manage the case, or the case's mediator."""
    if not user.is_authenticated:
        return False
    case = visit.case
    return case.mediator_id == user.pk or selectors.user_may_manage_case(user, case)


def follow_ups_visible_to(user):
    return FollowUpProcess.objects.filter(visit__case__in=selectors.cases_visible_to(user))


class ReturnVisitForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=ReturnVisitResult.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("If the dispute recurred, describe it: the new case starts from this text."),
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)


class ReturnVisitView(CaseTaskView):
    form_class = ReturnVisitForm
    template_name = "workflows/caseloop/task.html"

    @cached_property
    def visit(self) -> ReturnVisit:
        return visit_of(self.request.activation.process)

    @cached_property
    def case(self) -> Case:
        return self.visit.case

    def perform(self, form):
        services_followup.return_visit_record(
            visit=self.visit,
            actor=self.request.user,
            result=form.cleaned_data["result"],
            notes=form.cleaned_data["notes"],
        )


class FollowUpFlow(flow.Flow):
    process_class = FollowUpProcess
    process_title = _("Follow-up")
    process_description = _("Visit a closed case again; a recurred dispute opens a new case.")
    lock_impl = process_lock

    start = CaseStartHandle(this.start_process).Next(this.wait)
    wait = (
        CaseTimer(this.visit_day_starts)
        .Annotation(title=_("Wait for the visit day"))
        .Next(this.visit)
    )
    visit = (
        RecordTask(ReturnVisitView.as_view())
        .Who(may_visit)
        .Record(visit_of, lambda task: reverse("cases:detail", args=[visit_of(task).case_id]))
        .Annotation(title=_("Return visit"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Visited"))

    def start_process(self, activation, visit: ReturnVisit):
        activation.process.visit = visit
        return activation.process

    def visit_day_starts(self, activation):
        process = activation.process
        # Just started, the process holds its visit: no query to read it again.
        visit = process.visit if isinstance(process, FollowUpProcess) else visit_of(process)
        due_on = visit.due_on
        return deadlines.start_of_day(due_on)

    def has_view_permission(self, user, obj=None):
        if not user.is_authenticated:
            return False
        if obj is not None:
            return follow_ups_visible_to(user).filter(pk=obj.pk).exists()
        return user.is_superuser or Membership.objects.filter(user=user).exists()


def start_follow_up(sender, case: Case, actor=None, **kwargs) -> None:
    """Receiver of mediation's ``case_closed``: schedule the return visit and wait for it."""
    with whole_step(), transaction.atomic():
        visit, made_now = services_followup.return_visit_schedule(case=case)
        # A visit scheduled just now has no process yet; an earlier one may have.
        if made_now or not FollowUpProcess.objects.filter(visit=visit).exists():
            FollowUpFlow.start.run(visit=visit)


def case_return_visit_tasks(case: Case, user) -> list[extensions.OpenTask]:
    """The case's open return-visit task, for the case page."""
    processes = FollowUpProcess.objects.filter(visit__case=case)
    return [open_task_entry(task, user, case=case) for task in open_tasks_of(processes)]


follow_up_viewset = narrowed_viewset_class(follow_ups_visible_to)(FollowUpFlow, icon="event_repeat")


def ready() -> None:
    """Register the flow's pages, its task source and the receiver of ``case_closed``."""
    from mediation.signals import case_closed

    case_closed.connect(start_follow_up, dispatch_uid="workflows.followup.start_follow_up")
    extensions.register_app(follow_up_viewset)
    extensions.register_task_source(case_return_visit_tasks)
