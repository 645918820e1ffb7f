"""The court referral flow's task pages; the pages outside the flow's steps (lists, the
referral form, a referral's page and its actions) are in ``court_pages``."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property

from mediation import access, selectors_referral, services_referral
from mediation.models import Case
from mediation.models.referrals import Referral

from . import court_forms as forms
from .models import ReferralProcess
from .record_tasks import narrowed_viewset_class
from .views import CaseTaskView


def referral_of(task_or_process) -> Referral:
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return Referral.objects.select_related("case", "court", "centre").get(process__pk=process_pk)


def back_url(task) -> str:
    return reverse("referrals:detail", args=[referral_of(task).pk])


def may_record_for_parties(user, referral: Referral) -> bool:
    return selectors_referral.user_is_centre_staff(
        user, referral
    ) or selectors_referral.user_is_mediator(user, referral)


def may_record_failure(user, referral: Referral) -> bool:
    return may_record_for_parties(user, referral)


def referral_processes_visible_to(user):
    """The processes of the referrals whose case ``user`` may see."""
    return ReferralProcess.objects.filter(referral__case__in=access.cases_visible_to(user))


ReferralViewset = narrowed_viewset_class(referral_processes_visible_to)


# The flow's task pages.


class ReferralTaskView(CaseTaskView):
    """A step of the referral. The task's rule says who acts; they must also see the
    case (``access.case_access``), else the page is a 404 as for a referral that does
    not exist. The page shows the referral and its records, never session records."""

    template_name = "workflows/court/task.html"

    def dispatch(self, request, *args, **kwargs):
        self.case_access = access.case_access(request.user, self.referral.case_id)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def referral(self) -> Referral:
        return referral_of(self.request.activation.process)

    @cached_property
    def case(self) -> Case:
        return self.referral.case

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            referral=self.referral,
            access=self.case_access,
            documents=selectors_referral.referral_documents(self.referral),
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            return HttpResponseRedirect(reverse("referrals:detail", args=[self.referral.pk]))
        return response


class DecideView(ReferralTaskView):
    form_class = forms.DecideForm

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["decision"] == forms.Decision.TAKE:
            services_referral.referral_take(referral=self.referral, actor=user)
        else:
            services_referral.referral_return(
                referral=self.referral, actor=user, reason=data["reason"]
            )


class ConsentView(ReferralTaskView):
    form_class = forms.ConsentForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consents=selectors_referral.referral_consents(self.referral), **kwargs
        )

    def perform(self, form):
        services_referral.referral_consent(
            referral=self.referral, actor=self.request.user, **form.service_kwargs()
        )


class ChooseView(ReferralTaskView):
    form_class = forms.ChooseForm

    def perform(self, form):
        mediator = form.cleaned_data["mediator"]
        if mediator is not None:
            services_referral.referral_choose(
                referral=self.referral, actor=self.request.user, mediator=mediator
            )


class PickView(ChooseView):
    form_class = forms.PickForm


class AnswerView(ReferralTaskView):
    form_class = forms.AnswerForm

    def perform(self, form):
        data = form.cleaned_data
        services_referral.referral_answer(
            referral=self.referral,
            actor=self.request.user,
            accept=data["accept"],
            reason=data["reason"],
            conflict=data["conflict"],
            consent=data["consent"],
        )


class ApplyView(ReferralTaskView):
    form_class = forms.ApplyForm

    def perform(self, form):
        data = form.cleaned_data
        if data["applies"]:
            services_referral.referral_confirmation_apply(
                referral=self.referral, actor=self.request.user, applied_on=data["applied_on"]
            )


class CourtDecideView(ReferralTaskView):
    form_class = forms.CourtDecideForm

    def perform(self, form):
        services_referral.referral_court_decide(
            referral=self.referral, actor=self.request.user, decision=form.cleaned_data["decision"]
        )


class FailureView(ReferralTaskView):
    form_class = forms.FailureForm

    def perform(self, form):
        data = form.cleaned_data
        services_referral.referral_failure_records(
            referral=self.referral,
            actor=self.request.user,
            undisputed_facts=data["undisputed_facts"],
            cost_conduct=data["cost_conduct"],
        )


class CourtShamView(ReferralTaskView):
    form_class = forms.CourtShamForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            suspensions=selectors_referral.referral_suspensions(self.referral), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        services_referral.referral_sham_decide(
            referral=self.referral,
            actor=self.request.user,
            resume=data["decision"] == forms.ShamDecision.RESUME,
            note=data["note"],
        )


class ResumeTrialView(ReferralTaskView):
    form_class = forms.ResumeTrialForm

    def perform(self, form):
        services_referral.referral_trial_resume(
            referral=self.referral,
            actor=self.request.user,
            court_case_number=form.cleaned_data["court_case_number"],
        )


class RegisterView(ReferralTaskView):
    form_class = forms.RegisterForm

    def perform(self, form):
        services_referral.referral_register(
            referral=self.referral,
            actor=self.request.user,
            court_case_number=form.cleaned_data["court_case_number"],
        )
