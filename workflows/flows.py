"""The closed loop of a case as a viewflow flow.

report (发现上报) → accept and review (受理审核) → dispatch (分拨处置) → handle and record
the outcome → verify and close (核查结案) → rate (考核评价).

Every step calls a mediation service; the flow only decides who may act and what
comes next. The rating step's seven-day window is a database timer, fired by the
platform's one dispatcher (``workflows/timers.py``, run by ``manage.py run_worker``).
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import flow
from viewflow.workflow.flow.utils import wrap_task_view, wrap_view
from viewflow.workflow.status import STATUS

from mediation import deadlines, selectors, services
from mediation.atomic import whole_step
from mediation.models import Case, CaseStatus, Membership

from . import views
from .engine import (
    CaseEnd,
    CaseIf,
    CaseStartHandle,
    CaseSwitch,
    CaseViewActivation,
    on_timeout,
    process_lock,
)
from .models import CaseProcess, case_of


class CaseTask(flow.View):
    """A human step whose performers are decided by a rule about the case, not a permission."""

    assign_view_class = views.PoliteAssignTaskView
    activation_class = CaseViewActivation

    def __init__(self, view, **kwargs):
        super().__init__(view, **kwargs)
        self._who = None

    @property
    def assign_path(self):
        # The claim view checks the rule itself, so that a second claim gets a
        # message instead of the 403 viewflow's wrapper would give.
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/assign/",
            views.polite_when_busy(wrap_task_view(self, self.assign_view)),
            name="assign",
        )

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            views.polite_when_busy(wrap_view(self, self.view)),
            name="execute",
        )

    def Who(self, rule):
        """``rule(user, case) -> bool``: who may claim and perform the task."""
        self._who = rule
        return self

    def may(self, user, task) -> bool:
        return user is not None and user.is_authenticated and self._who(user, case_of(task))

    def can_assign(self, user, task):
        return task.owner_id is None and self.may(user, task)

    def can_execute(self, user, task):
        # Checked again at execution: a post may have ended since the claim.
        return is_owner(task.owner, user) and self.may(user, task)


class LoopTask(CaseTask):
    """A step of the case loop. Its deadlines are computed from the case alone, not
    from the timer's task links, so each deadline's timer is written once, scheduled."""

    # How a task shows on the loop's board and lists: its case, not a process number.
    task_summary_template = "{{ process.case.number }} {{ process.case.title }}"

    def OnTimeout(self, delay, then, interrupting=True, title=None):
        return on_timeout(self, delay, then, interrupting=interrupting, title=title)


# Flows that hold a case register ``is_held(case) -> bool``: a court referral settling
# consent and the mediator takes the loop's review and dispatch itself, and nobody
# handles the case while it waits for a new mediator or is suspended.
_HOLDS: list = []


def register_hold(is_held) -> None:
    if is_held not in _HOLDS:
        _HOLDS.append(is_held)


def held(case: Case) -> bool:
    return any(is_held(case) for is_held in _HOLDS)


def may_manage_unheld(user, case: Case) -> bool:
    return selectors.user_may_manage_case(user, case) and not held(case)


def may_handle_unheld(user, case: Case) -> bool:
    """The handler, unless a flow holds the case: a court referral waiting for a new
    mediator after a recusal, or suspended for suspected sham mediation."""
    return selectors.user_may_handle_case(user, case) and not held(case)


def may_verify(user, case: Case) -> bool:
    """Centre staff who did not record the outcome: separation of duties."""
    if not selectors.user_may_manage_case(user, case):
        return False
    recorder = selectors.case_outcome_recorder(case)
    return recorder is None or recorder.pk != user.pk


def _case(activation) -> Case:
    """The case of a gateway's activation, read once however many conditions ask."""
    if not hasattr(activation, "_case"):
        activation._case = case_of(activation.process)
    return activation._case


class CaseLoopFlow(flow.Flow):
    process_class = CaseProcess
    process_summary_template = "{{ process.case.number }} {{ process.case.title }}"
    process_title = _("Case closed loop")
    process_description = _("Accept, dispatch, handle, verify and rate a reported case.")
    lock_impl = process_lock

    start = CaseStartHandle(this.start_process).Next(this.review)

    review = (
        LoopTask(views.ReviewView.as_view())
        .Who(may_manage_unheld)
        .Annotation(title=_("Accept and review"))
        .Next(this.check_accepted)
    )
    check_accepted = (
        CaseIf(lambda activation: case_of(activation.process).status == CaseStatus.ACCEPTED)
        .Then(this.dispatch)
        .Else(this.not_accepted)
    )
    dispatch = (
        LoopTask(views.DispatchView.as_view())
        .Who(may_manage_unheld)
        .Annotation(title=_("Dispatch"))
        .Next(this.start_mediation)
    )
    start_mediation = (
        LoopTask(views.StartMediationView.as_view())
        .Who(may_handle_unheld)
        .Annotation(title=_("Start mediation"))
        .OnTimeout(this.handling_deadline, this.overdue, title=_("Handling deadline"))
        .Next(this.handle)
    )
    handle = (
        LoopTask(views.HandleView.as_view())
        .Who(may_handle_unheld)
        .Annotation(title=_("Handle and record the outcome"))
        .OnTimeout(this.handling_deadline, this.overdue, title=_("Handling deadline"))
        .Next(this.after_handling)
    )
    overdue = (
        flow.Function(this.case_overdue)
        .Annotation(title=_("Escalate the overdue case"))
        .Next(this.after_handling)
    )
    # A diagnosis sub-flow (会诊, 专诊) runs as its own process; this task waits for it
    # and is completed by the sub-flow's last step (resume_case_loop).
    await_diagnosis = (
        flow.Handle().Annotation(title=_("Wait for the diagnosis")).Next(this.after_handling)
    )
    after_handling = (
        CaseSwitch()
        .Annotation(title=_("Where the case stands"))
        .Case(this.verify, lambda a: _case(a).status == CaseStatus.VERIFYING)
        .Case(this.dispatch, lambda a: _case(a).status == CaseStatus.ACCEPTED)
        .Case(this.await_diagnosis, lambda a: diagnosis_open(_case(a)))
        .Case(this.start_mediation, lambda a: _case(a).status == CaseStatus.DISPATCHED)
        .Default(this.handle)
    )
    verify = (
        LoopTask(views.VerifyView.as_view())
        .Who(may_verify)
        .Annotation(title=_("Verify and close"))
        .Next(this.rate)
    )
    rate = (
        LoopTask(views.RateView.as_view())
        .Who(selectors.user_may_manage_case)
        .Annotation(title=_("Rate"))
        # The window runs from closing, so a rate task re-created after one party's
        # rating keeps the same end.
        .OnTimeout(this.rating_window_end, this.close_rating, title=_("Rating window over"))
        .Next(this.check_rated)
    )
    close_rating = (
        flow.Function(this.rating_close).Annotation(title=_("Close the rating")).Next(this.closed)
    )
    check_rated = (
        CaseIf(
            lambda activation: (
                not selectors.case_parties_unrated(activation.process.case_id).exists()
            )
        )
        .Then(this.closed)
        .Else(this.rate)
    )
    not_accepted = CaseEnd().Annotation(title=_("Not accepted"))
    closed = CaseEnd().Annotation(title=_("Closed"))

    def start_process(self, activation, case: Case):
        activation.process.case = case
        return activation.process

    def handling_deadline(self, activation):
        return services.handling_deadline(case_of(activation.process))

    def case_overdue(self, activation):
        services.case_overdue(case=case_of(activation.process))

    def rating_window_end(self, activation):
        return deadlines.rating_window_end(case_of(activation.process).closed_at)

    def rating_close(self, activation):
        services.case_rating_close(case=case_of(activation.process))

    def has_view_permission(self, user, obj=None):
        # Staff see the loop; which cases they see is decided by mediation.selectors.
        if not user.is_authenticated:
            return False
        if obj is not None:
            case_id = (
                getattr(obj, "case_id", None)
                or CaseProcess.objects.filter(pk=obj.pk).values_list("case_id", flat=True).first()
            )
            return selectors.cases_visible_to(user).filter(pk=case_id).exists()
        return user.is_superuser or Membership.objects.filter(user=user).exists()


# The sub-flows that may hold a case's handling: each registers ``is_open(case) -> bool``.
_DIAGNOSES: list = []


def register_diagnosis(is_open) -> None:
    if is_open not in _DIAGNOSES:
        _DIAGNOSES.append(is_open)


def diagnosis_open(case: Case) -> bool:
    return any(is_open(case) for is_open in _DIAGNOSES)


def resume_case_loop(case: Case) -> None:
    """Called by a diagnosis sub-flow's last step: the case loop takes the case back."""
    task = CaseLoopFlow.task_class.objects.filter(
        process__caseprocess__case=case,
        flow_task=CaseLoopFlow.await_diagnosis,
        status=STATUS.NEW,
    ).first()
    if task is not None:
        CaseLoopFlow.await_diagnosis.run(task)


def start_case_loop(sender, case: Case, actor=None, **kwargs) -> None:
    """Receiver of mediation's ``case_reported``: every reported case enters the loop.

    Inside the report's transaction: a failure here fails the report, whole."""
    with whole_step(own_savepoint=False):
        CaseLoopFlow.start.run(case=case)
