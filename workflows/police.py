"""公调对接 police referral: a 110 call that is not a police matter goes to a centre.

start (the officer's page makes the case and the referral) → wait_acceptance (a
database timer, 24 hours after the referral) → still waiting? ─ yes → escalate → late
                                                               └ no  → answered

The acceptance itself is the case loop's review step, the one acceptance a case has:
when it finishes, ``on_review_finished`` records it on the referral and the 24-hour
clock stops. A centre that finds a police matter hands it back from the referral's page
or the case page: before acceptance that decides the review step, while the case is
handled it ends the case loop (``police_petition_loop.decide_referral``).
"""

from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.signals import task_finished

from mediation import access, extensions, services_police
from mediation.extensions import OpenTask
from mediation.models import Case, CaseStatus, Channel, Membership
from mediation.models.handoffs import PoliceReferral
from mediation.selectors import user_may_manage_case
from mediation.signals import case_closed

from . import police_views as views
from .flows import CaseLoopFlow
from .models import PoliceReferralProcess, case_of
from .police_petition_loop import stop_clock
from .record_tasks import narrowed_viewset_class


def referral_of(process) -> PoliceReferral:
    return PoliceReferral.objects.select_related("case").get(process__pk=process.pk)


def police_processes_visible_to(user):
    """The referral processes whose case ``user`` may see (``access.cases_visible_to``)."""
    return PoliceReferralProcess.objects.filter(referral__case__in=access.cases_visible_to(user))


class PoliceReferralFlow(flow.Flow):
    process_class = PoliceReferralProcess
    process_title = _("Police referral")
    process_description = _(
        "A 110 call that is not a police matter, accepted by a centre within 24 hours."
    )
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.wait_acceptance)
    wait_acceptance = (
        flow.Timer(this.acceptance_deadline)
        .Annotation(title=_("24 hours to accept"))
        .Next(this.still_waiting)
    )
    still_waiting = (
        flow.If(this.not_yet_accepted)
        .Annotation(title=_("Still not accepted?"))
        .Then(this.escalate)
        .Else(this.answered)
    )
    escalate = (
        flow.Function(this.escalate_late)
        .Annotation(title=_("Tell the centre's director"))
        .Next(this.late)
    )
    answered = flow.End().Annotation(title=_("Answered in time"))
    late = flow.End().Annotation(title=_("Escalated as late"))

    def start_process(self, activation, referral: PoliceReferral):
        activation.process.referral = referral
        return activation.process

    def acceptance_deadline(self, activation):
        return referral_of(activation.process).accept_by

    def not_yet_accepted(self, activation):
        referral = referral_of(activation.process)
        return referral.case.status == CaseStatus.REPORTED and referral.handed_back_at is None

    def escalate_late(self, activation):
        services_police.police_referral_escalate_late(referral=referral_of(activation.process))

    def has_view_permission(self, user, obj=None):
        if not user.is_authenticated:
            return False
        if obj is not None:
            return police_processes_visible_to(user).filter(pk=obj.pk).exists()
        return user.is_superuser or Membership.objects.filter(user=user).exists()


def refer_110_call(**kwargs) -> PoliceReferral:
    """Make the case and the referral, and start the 24-hour clock (the start page's work)."""
    with transaction.atomic():
        referral = services_police.police_referral_create(**kwargs)
        PoliceReferralFlow.start.run(referral=referral)
    return referral


def on_review_finished(sender, task, process=None, **kwargs) -> None:
    """The case loop's review is the referral's acceptance (or its hand-back)."""
    if task.flow_task is not CaseLoopFlow.review:
        return
    if process is not None and case_of(process).channel != Channel.POLICE:
        return
    referral = (
        PoliceReferral.objects.filter(case__loop_process__pk=task.process_id)
        .select_related("case")
        .first()
    )
    if referral is not None:
        services_police.police_referral_reviewed(case=referral.case)
        # Accepted or handed back, the referral is answered: its 24 hours stop.
        stop_clock(
            PoliceReferralFlow,
            PoliceReferralFlow.wait_acceptance,
            policereferralprocess__referral=referral,
        )


def on_case_closed(sender, case: Case, **kwargs) -> None:
    if case.channel == Channel.POLICE:
        services_police.police_referral_closed(case=case)


def case_police_hand_back(case: Case, user) -> list[OpenTask]:
    """The case page's way to hand a referred case back, for the centre that handles it."""
    referral = PoliceReferral.objects.filter(case=case).first()
    if referral is None:
        return []
    referral.case = case
    if not referral.may_hand_back or not user_may_manage_case(user, case):
        return []
    return [
        OpenTask(
            title=str(_("Police referral: hand back if it is a police matter (art 25)")),
            url=reverse("policereferral:hand_back", args=[referral.pk]),
        )
    ]


class PoliceViewset(narrowed_viewset_class(police_processes_visible_to)):
    referrals_path = path("referrals/", views.ReferralListView.as_view(), name="referrals")
    refer_path = path("referrals/new/", views.ReferView.as_view(), name="refer")
    hand_back_path = path(
        "referrals/<int:pk>/hand-back/", views.HandBackView.as_view(), name="hand_back"
    )


police_viewset = PoliceViewset(PoliceReferralFlow, icon="local_police")


def ready() -> None:
    """Register the referral pages and the case page's hand-back, and listen for the
    case loop's review and the case's closing."""
    extensions.register_app(police_viewset)
    extensions.register_task_source(case_police_hand_back)
    task_finished.connect(
        on_review_finished, sender=CaseLoopFlow, dispatch_uid="workflows.police.review"
    )
    case_closed.connect(on_case_closed, dispatch_uid="workflows.police.case_closed")
