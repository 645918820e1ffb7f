"""访调对接 petition referral: a civil petition transferred to mediation with consent.

start (the petition staff's page makes the case and the referral) → wait_deadline (a
database timer, at the end of the handling date) → where? ─ case ended → done
                                                           ├ date extended → wait_deadline
                                                           └ otherwise → overdue → late

The receiving centre's objection (art 23) decides the case loop's review step, or
ends the loop of a case already accepted; the extension (art 34) moves the date the
timer waits for. When the case closes, its outcome goes back to the bureau
(``on_case_closed``). A case that has ended stops the clock: the flow ends at once.
"""

from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from mediation import access, deadlines, extensions, services_petition
from mediation.extensions import OpenTask
from mediation.models import Case, Channel, Membership
from mediation.models.handoffs import PetitionReferral
from mediation.selectors import user_may_handle_case, user_may_manage_case
from mediation.selectors_handoffs import user_manages_centre
from mediation.signals import case_closed

from . import petition_views as views
from .models import PetitionReferralProcess
from .police_petition_loop import stop_clock
from .record_tasks import narrowed_viewset_class


def referral_of(process) -> PetitionReferral:
    return PetitionReferral.objects.select_related("case").get(process__pk=process.pk)


def petition_processes_visible_to(user):
    """The referral processes whose case ``user`` may see (``access.cases_visible_to``)."""
    return PetitionReferralProcess.objects.filter(referral__case__in=access.cases_visible_to(user))


class PetitionReferralFlow(flow.Flow):
    process_class = PetitionReferralProcess
    process_title = _("Petition referral")
    process_description = _(
        "A civil petition transferred to mediation, handled within 60 days (extendable once by 30)."
    )
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.wait_deadline)
    wait_deadline = (
        flow.Timer(this.handling_deadline)
        .Annotation(title=_("Handling period (60 days)"))
        .Next(this.where)
    )
    where = (
        flow.Switch()
        .Annotation(title=_("Where the petition stands"))
        .Case(this.done, lambda activation: not referral_of(activation.process).case.is_open)
        .Case(
            this.wait_deadline,
            lambda activation: timezone.localdate() <= referral_of(activation.process).handle_by,
        )
        .Default(this.overdue)
    )
    overdue = (
        flow.Function(this.report_overdue)
        .Annotation(title=_("Tell the centre's director"))
        .Next(this.late)
    )
    done = flow.End().Annotation(title=_("Handled"))
    late = flow.End().Annotation(title=_("Not handled in time"))

    def start_process(self, activation, referral: PetitionReferral):
        activation.process.referral = referral
        return activation.process

    def handling_deadline(self, activation):
        return deadlines.end_of_day(referral_of(activation.process).handle_by)

    def report_overdue(self, activation):
        services_petition.petition_referral_overdue(referral=referral_of(activation.process))

    def has_view_permission(self, user, obj=None):
        if not user.is_authenticated:
            return False
        if obj is not None:
            return petition_processes_visible_to(user).filter(pk=obj.pk).exists()
        return user.is_superuser or Membership.objects.filter(user=user).exists()


def transfer_petition(**kwargs) -> PetitionReferral:
    """Make the case and the referral, and start the handling clock."""
    with transaction.atomic():
        referral = services_petition.petition_referral_create(**kwargs)
        PetitionReferralFlow.start.run(referral=referral)
    return referral


def stop_petition_clock(referral: PetitionReferral) -> None:
    """The petition's case has ended: its handling period has nothing left to wait for."""
    stop_clock(
        PetitionReferralFlow,
        PetitionReferralFlow.wait_deadline,
        petitionreferralprocess__referral=referral,
    )


def on_case_closed(sender, case: Case, **kwargs) -> None:
    if case.channel != Channel.PETITION:
        return
    referral = services_petition.petition_referral_record_result(case=case)
    if referral is not None:
        stop_petition_clock(referral)


def case_petition_clocks(case: Case, user) -> list[OpenTask]:
    """The petition's clocks on the case page, for the centre and the case's handler: the
    objection window (art 23) and the handling date with its extension (art 34). The
    receiving centre's staff get the pages that object and extend."""
    referral = PetitionReferral.objects.filter(case=case).first()
    if referral is None or not case.is_open:
        return []
    if not (user_may_manage_case(user, case) or user_may_handle_case(user, case)):
        return []
    referral.case = case
    receiving = user_manages_centre(user, case.centre)
    listed = reverse("petitionreferral:referrals") if receiving else ""
    entries = []
    if referral.objection_open:
        entries.append(
            OpenTask(
                title=str(_("Petition: object to a wrong transfer (art 23)")),
                url=reverse("petitionreferral:object", args=[referral.pk]) if receiving else "",
                due=deadlines.end_of_day(referral.objection_by),
            )
        )
    if referral.extended_at:
        title = _(
            "Petition: handle within the period (art 34), extended once by %(days)s days "
            "with notice to the petitioner"
        ) % {"days": referral.extended_days}
    else:
        title = _("Petition: handle within the period (art 34)")
    entries.append(
        OpenTask(
            title=str(title),
            url=(
                reverse("petitionreferral:extend", args=[referral.pk])
                if receiving and referral.may_extend
                else listed
            ),
            due=deadlines.end_of_day(referral.handle_by),
            overdue=timezone.localdate() > referral.handle_by,
        )
    )
    return entries


class PetitionViewset(narrowed_viewset_class(petition_processes_visible_to)):
    referrals_path = path("referrals/", views.ReferralListView.as_view(), name="referrals")
    transfer_path = path("referrals/new/", views.TransferView.as_view(), name="transfer")
    object_path = path("referrals/<int:pk>/object/", views.ObjectView.as_view(), name="object")
    extend_path = path("referrals/<int:pk>/extend/", views.ExtendView.as_view(), name="extend")


petition_viewset = PetitionViewset(PetitionReferralFlow, icon="record_voice_over")


def ready() -> None:
    """Register the referral pages, the case page's clocks, and the result's way back."""
    extensions.register_app(petition_viewset)
    extensions.register_task_source(case_petition_clocks)
    case_closed.connect(on_case_closed, dispatch_uid="workflows.petition.case_closed")
