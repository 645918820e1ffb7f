"""诉调对接 court referral: delegation (委派) and entrustment (委托).

start → decide (centre: take up, or return) ─ returned ──────────────────────────→ close_loop
      → contact (one party applied; 3 working days, else unreached → close_loop)  │
        or consent (each party's answer; until all have answered → consent again; │
        a refusal or an unreachable party → close_loop, 人民调解法 art 17)          │
      → choose (the parties' joint choice, 2 working days, else → designate)        │
      → designate (duty rotation) → answer (designated mediator, 3 working days,    │
        else no_answer → designate; a decline → designate; nobody fits → pick, the  │
        centre's own designation within 3 working days, else its director alerted) │
      → hand_to_loop (the case is accepted and dispatched, or re-dispatched, to the │
        mediator who accepted)                                                      │
      → mediation: the case loop's start and handle steps and the sessions, by the  │
        mediator; the clock's timer → overdue (director alerted) → mediation;       │
        a recusal (回避) → recused (the loop's steps released) → designate;          │
        suspected sham mediation → court_sham (the court: resume → mediation, or    │
        take the case back → end_loop) ────────────────────────────────────────────┤
      → agreed: apply (judicial confirmation, within 30 days, else → agreed_end)    │
               → court_decides (accepted → court_decides again; confirmed/rejected) │
      → failed: failure (termination and undisputed-facts records) ─────────────────┤
close_loop → a delegation: register (立案, the court's case number) → registered    ┘
           → an entrustment: resume_trial (its existing case number) → trial_resumed

The flow calls mediation's services; the case loop's review and dispatch steps are
completed here when the referral decides them, so the loop never waits on a step
that the referral has already taken. A recusal or a sham flag, made on the referral's
page, completes the waiting mediation step with its service call under the flow's lock
(``interrupt_mediation``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.signals import task_finished
from viewflow.workflow.status import STATUS

from mediation import deadlines, extensions, selectors_referral, services_referral
from mediation.models import Case, CaseStatus, Membership
from mediation.models.referrals import CourtDecision, Referral, ReferralKind, ReferralStatus

from . import court_pages as pages
from . import court_views as views
from .court_loop import advance_loop, referral_settling, release_loop_tasks
from .flows import CaseLoopFlow, register_hold
from .models import ReferralProcess
from .open_tasks import open_task_entry, open_tasks_of
from .record_tasks import RecordTask


class ReferralTask(RecordTask):
    def __init__(self, view, **kwargs):
        super().__init__(view, **kwargs)
        self.Record(views.referral_of, views.back_url)


def _status(activation) -> str:
    return views.referral_of(activation.process).status


def _is(*statuses):
    return lambda activation: _status(activation) in statuses


def _referral_case_status(activation) -> str:
    return views.referral_of(activation.process).case.status


class CourtReferralFlow(flow.Flow):
    process_class = ReferralProcess
    process_title = _("Court referral")
    process_description = _(
        "A court delegates or entrusts a dispute to a centre; the result goes back to the court."
    )
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.decide)
    decide = (
        ReferralTask(views.DecideView.as_view())
        .Who(selectors_referral.user_is_centre_staff)
        .Annotation(title=_("Take up or return the referral"))
        .Next(this.after_decide)
    )
    after_decide = (
        flow.Switch()
        .Case(this.close_loop, _is(ReferralStatus.RETURNED))
        .Case(this.contact, _is(ReferralStatus.CONTACTING))
        .Default(this.consent)
    )
    contact = (
        ReferralTask(views.ConsentView.as_view())
        .Who(selectors_referral.user_is_centre_staff)
        .Annotation(title=_("Contact the other party"))
        .OnTimeout(this.contact_deadline, this.unreached, title=_("Contact period over"))
        .Next(this.after_consent)
    )
    unreached = (
        flow.Function(this.return_unreached)
        .Annotation(title=_("Other party not reached"))
        .Next(this.close_loop)
    )
    consent = (
        ReferralTask(views.ConsentView.as_view())
        .Who(selectors_referral.user_is_centre_staff)
        .Annotation(title=_("Record the parties' consent"))
        .Next(this.after_consent)
    )
    after_consent = (
        flow.Switch()
        .Case(this.close_loop, _is(ReferralStatus.RETURNED))
        .Case(this.choose, _is(ReferralStatus.CHOOSING))
        .Case(this.contact, _is(ReferralStatus.CONTACTING))
        .Default(this.consent)
    )
    choose = (
        ReferralTask(views.ChooseView.as_view())
        .Who(selectors_referral.user_is_centre_staff)
        .Annotation(title=_("Record the parties' choice of mediator"))
        .OnTimeout(this.choose_deadline, this.designate, title=_("Choice period over"))
        .Next(this.after_choose)
    )
    after_choose = flow.If(_is(ReferralStatus.DESIGNATED)).Then(this.answer).Else(this.designate)
    designate = (
        flow.Function(this.rotation_designate)
        .Annotation(title=_("Designate by duty rotation"))
        .Next(this.after_designate)
    )
    after_designate = flow.If(_is(ReferralStatus.DESIGNATED)).Then(this.answer).Else(this.pick)
    pick = (
        ReferralTask(views.PickView.as_view())
        .Who(selectors_referral.user_is_centre_staff)
        .Annotation(title=_("Designate a mediator"))
        .OnTimeout(
            this.pick_deadline,
            this.designation_late,
            interrupting=False,
            title=_("Designation period over"),
        )
        .Next(this.answer)
    )
    designation_late = (
        flow.Function(this.alert_designation_late)
        .Annotation(title=_("Alert the centre's director"))
        .Next(this.director_alerted)
    )
    director_alerted = flow.End().Annotation(title=_("Director alerted"))
    answer = (
        ReferralTask(views.AnswerView.as_view())
        .Who(selectors_referral.user_is_proposed_mediator)
        .Annotation(title=_("Accept or decline the case"))
        .OnTimeout(this.answer_deadline, this.no_answer, title=_("Answer period over"))
        .Next(this.after_answer)
    )
    no_answer = (
        flow.Function(this.mediator_silent)
        .Annotation(title=_("The mediator did not answer"))
        .Next(this.designate)
    )
    after_answer = (
        flow.If(_is(ReferralStatus.MEDIATING)).Then(this.hand_to_loop).Else(this.designate)
    )
    hand_to_loop = (
        flow.Function(this.dispatch_in_loop)
        .Annotation(title=_("Dispatch the case to the mediator"))
        .Next(this.mediation)
    )
    # The mediator works the case loop's steps; its recorded outcome resumes this task.
    mediation = (
        flow.Handle(this.mediation_ended)
        .Annotation(title=_("Mediation"))
        .OnTimeout(this.mediation_deadline, this.overdue, title=_("Mediation period over"))
        .Next(this.after_mediation)
    )
    overdue = (
        flow.Function(this.escalate_overdue)
        .Annotation(title=_("Alert the centre's director"))
        .Next(this.mediation)
    )
    after_mediation = (
        flow.Switch()
        .Case(this.apply, _is(ReferralStatus.AGREED))
        .Case(this.failure, _is(ReferralStatus.FAILED))
        .Case(this.court_sham, _is(ReferralStatus.SUSPENDED))
        .Case(this.recused, _is(ReferralStatus.CHOOSING))
        .Default(this.mediation)
    )
    recused = (
        flow.Function(this.release_loop)
        .Annotation(title=_("Back to designation after a recusal"))
        .Next(this.designate)
    )
    court_sham = (
        ReferralTask(views.CourtShamView.as_view())
        .Who(selectors_referral.user_is_court_staff)
        .Annotation(title=_("Decide on the suspended mediation"))
        .Next(this.after_sham)
    )
    after_sham = (
        flow.Switch()
        .Case(this.end_loop, _is(ReferralStatus.RETURNED))
        .Case(this.late_outcome, lambda a: _referral_case_status(a) == CaseStatus.VERIFYING)
        .Default(this.mediation)
    )
    # The loop recorded an outcome while mediation was suspended: the referral takes it.
    late_outcome = (
        flow.Function(this.mediation_ended)
        .Annotation(title=_("Outcome recorded during the suspension"))
        .Next(this.after_mediation)
    )
    end_loop = (
        flow.Function(this.finish_loop)
        .Annotation(title=_("The court takes the case back"))
        .Next(this.close_loop)
    )
    apply = (
        ReferralTask(views.ApplyView.as_view())
        .Who(views.may_record_for_parties)
        .Annotation(title=_("Record the application for judicial confirmation"))
        .OnTimeout(this.apply_deadline, this.agreed, title=_("Application period over"))
        .Next(this.after_apply)
    )
    after_apply = (
        flow.If(lambda a: views.referral_of(a.process).confirmation_applied_on is not None)
        .Then(this.court_decides)
        .Else(this.agreed)
    )
    court_decides = (
        ReferralTask(views.CourtDecideView.as_view())
        .Who(selectors_referral.user_is_court_staff)
        .Annotation(title=_("Record the court's decision"))
        .Next(this.after_court)
    )
    after_court = (
        flow.If(lambda a: views.referral_of(a.process).court_decision == CourtDecision.ACCEPTED)
        .Then(this.court_decides)
        .Else(this.decided)
    )
    failure = (
        ReferralTask(views.FailureView.as_view())
        .Who(views.may_record_failure)
        .Annotation(title=_("Termination and undisputed-facts records"))
        .Next(this.close_loop)
    )
    close_loop = (
        flow.Function(this.settle_loop)
        .Annotation(title=_("Back to the court with its materials"))
        .Next(this.after_close)
    )
    after_close = (
        flow.If(lambda a: views.referral_of(a.process).kind == ReferralKind.ENTRUSTMENT)
        .Then(this.resume_trial)
        .Else(this.register)
    )
    register = (
        ReferralTask(views.RegisterView.as_view())
        .Who(selectors_referral.user_is_court_staff)
        .Annotation(title=_("Register the case at the court"))
        .Next(this.registered)
    )
    resume_trial = (
        ReferralTask(views.ResumeTrialView.as_view())
        .Who(selectors_referral.user_is_court_staff)
        .Annotation(title=_("Record that the trial resumes"))
        .Next(this.trial_resumed)
    )
    agreed = flow.End().Annotation(title=_("Agreement reached"))
    decided = flow.End().Annotation(title=_("Court decided"))
    registered = flow.End().Annotation(title=_("Registered by the court"))
    trial_resumed = flow.End().Annotation(title=_("Trial resumed at the court"))

    def start_process(self, activation, referral: Referral):
        activation.process.referral = referral
        return activation.process

    def _referral(self, activation) -> Referral:
        return views.referral_of(activation.process)

    def contact_deadline(self, activation):
        return deadlines.end_of_day(self._referral(activation).contact_by)

    def choose_deadline(self, activation):
        return deadlines.end_of_day(self._referral(activation).choose_by)

    def answer_deadline(self, activation):
        return deadlines.end_of_day(self._referral(activation).answer_by)

    def pick_deadline(self, activation):
        return deadlines.end_of_day(self._referral(activation).designate_by)

    def apply_deadline(self, activation):
        return deadlines.end_of_day(
            deadlines.confirmation_apply_by(self._referral(activation).agreed_on)
        )

    def mediation_deadline(self, activation):
        referral = self._referral(activation)
        now = timezone.now()
        if referral.appraisals.filter(ended_on__isnull=True).exists():
            # The clock stands still: look again tomorrow.
            return now + datetime.timedelta(days=1)
        end = deadlines.end_of_day(referral.due_on)
        if end > now or referral.overdue_escalated_at is None:
            return end
        return now + deadlines.OVERDUE_REMINDER

    def return_unreached(self, activation):
        services_referral.referral_return(
            referral=self._referral(activation),
            actor=None,
            reason=str(_("The other party could not be reached in time (在线调解规则 art 15).")),
        )

    def rotation_designate(self, activation):
        services_referral.referral_designate(referral=self._referral(activation))

    def mediator_silent(self, activation):
        services_referral.referral_no_answer(referral=self._referral(activation))

    def dispatch_in_loop(self, activation):
        referral = self._referral(activation)
        advance_loop(referral.case, CaseLoopFlow.review, referral.mediator)
        services_referral.referral_dispatch(referral=referral)
        advance_loop(referral.case, CaseLoopFlow.dispatch, referral.mediator)

    def alert_designation_late(self, activation):
        services_referral.referral_designation_late(referral=self._referral(activation))

    def mediation_ended(self, activation, action=None):
        """The loop recorded the outcome; or ``action``, a recusal or a sham flag, stops
        the mediation from the referral's page."""
        if action is not None:
            return action()
        return services_referral.referral_outcome(referral=self._referral(activation))

    def release_loop(self, activation):
        release_loop_tasks(self._referral(activation).case)

    def finish_loop(self, activation):
        """The court took the case back: its mediation was terminated by the court's
        decision, and the loop's handling steps are completed with it."""
        case = self._referral(activation).case
        for node in (CaseLoopFlow.start_mediation, CaseLoopFlow.handle):
            advance_loop(case, node, None)

    def escalate_overdue(self, activation):
        services_referral.referral_overdue(referral=self._referral(activation))

    def settle_loop(self, activation):
        referral = self._referral(activation)
        advance_loop(referral.case, CaseLoopFlow.review, None)

    def has_view_permission(self, user, obj=None):
        if not user.is_authenticated:
            return False
        if obj is not None:
            return views.referral_processes_visible_to(user).filter(pk=obj.pk).exists()
        return user.is_superuser or Membership.objects.filter(user=user).exists()


def start_referral(referral: Referral) -> None:
    CourtReferralFlow.start.run(referral=referral)


def interrupt_mediation(referral: Referral, action):
    """Run ``action`` (a recusal or a sham flag) and finish the waiting mediation step
    with it, under the flow's lock: the referral's flow moves on in the same
    transaction, or neither happens."""
    task = CourtReferralFlow.task_class.objects.filter(
        process__referralprocess__referral=referral,
        flow_task=CourtReferralFlow.mediation,
        status=STATUS.NEW,
    ).first()
    if task is None:
        raise ValidationError(_("This is possible only while the referral is in mediation."))
    return CourtReferralFlow.mediation.run(task, action=action)


def resume_after_outcome(sender, process=None, task=None, **kwargs) -> None:
    """The case loop's handle step recorded an outcome: the referral's mediation ends."""
    if task is None or task.flow_task is not CaseLoopFlow.handle:
        return
    waiting = CourtReferralFlow.task_class.objects.filter(
        process__referralprocess__referral__case_id=process.case_id,
        process__referralprocess__referral__status=ReferralStatus.MEDIATING,
        process__referralprocess__referral__case__status=CaseStatus.VERIFYING,
        flow_task=CourtReferralFlow.mediation,
        status=STATUS.NEW,
    ).first()
    if waiting is not None:
        CourtReferralFlow.mediation.run(waiting)


court_viewset = views.ReferralViewset(CourtReferralFlow, icon="account_balance")


def case_referral_tasks(case: Case, user) -> list:
    processes = ReferralProcess.objects.filter(referral__case=case)
    return [open_task_entry(task, user) for task in open_tasks_of(processes)]


def ready() -> None:
    """Register the flow's pages, the referral pages, and the wait on the case loop."""
    register_hold(referral_settling)
    task_finished.connect(
        resume_after_outcome, sender=CaseLoopFlow, dispatch_uid="workflows.court.resume"
    )
    extensions.register_app(court_viewset)
    extensions.register_app(
        pages.ReferralApplication(start=start_referral, interrupt=interrupt_mediation)
    )
    extensions.register_task_source(case_referral_tasks)
