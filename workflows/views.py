"""The pages of the closed loop's human steps; each one calls one mediation service."""

import functools

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.flow.views import mixins as flow_mixins

from mediation import access, selectors, services
from mediation.models import Case
from mediation.views.service_form import ServiceFormMixin

from . import forms
from .models import case_of


def polite_when_busy(view):
    """Another request holds the case's flow lock past every retry: say so, no 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except FlowLockFailed:
            messages.warning(
                request, _("Someone else is working on this case right now; try again shortly.")
            )
            return HttpResponseRedirect(request.get_full_path())

    return wrapper


def page_after(user, case: Case) -> str:
    """Where a step ends: the case page, or the user's tasks once the case has left
    their sight (escalated to the level above, handed to another body)."""
    if access.may_see_case(user, case):
        return reverse("cases:detail", args=[case.pk])
    return reverse("tasks:inbox")


class CaseTaskView(flow_mixins.TaskViewTemplateNames, ServiceFormMixin, generic.FormView):
    """Execute one task: validate the form, call the service, finish the task.

    Who may perform it is the task's rule (``CaseTask.Who``), checked by viewflow's
    wrapper before this view runs. Everyone the loop's rules let act sees the case:
    its handlers and the centre staff who run it are reasons to see it
    (``mediation.access``), so the page needs no second check.
    """

    template_filename = "task.html"
    form_class = None
    success_message = _("Done: %(task)s for case %(case)s.")

    @cached_property
    def case(self) -> Case:
        return case_of(self.request.activation.process)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def succeeded(self, form):
        # The service did its part; the task is finished in the same transaction.
        self.request.activation.execute()
        messages.success(
            self.request,
            self.success_message
            % {"task": self.request.activation.flow_task.task_title, "case": self.case.number},
        )
        return HttpResponseRedirect(page_after(self.request.user, self.case))


class ReviewView(CaseTaskView):
    form_class = forms.ReviewForm

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        decision = data["decision"]
        if decision == forms.Decision.ACCEPT:
            services.case_accept(case=self.case, actor=user, tier=data["tier"])
        elif decision == forms.Decision.REJECT:
            services.case_reject(case=self.case, actor=user, reason=data["reason"])
        elif decision == forms.Decision.MERGE:
            services.case_merge(
                case=self.case, actor=user, into=data["into"], reason=data["reason"]
            )
        else:
            services.case_redirect(
                case=self.case,
                actor=user,
                to_body=data["to_body"],
                reason=data["reason"],
                police=data["police"],
            )


class DispatchView(CaseTaskView):
    form_class = forms.DispatchForm

    def perform(self, form):
        services.case_dispatch(
            case=self.case,
            actor=self.request.user,
            organisation=form.cleaned_data["organisation"],
            mediator=form.cleaned_data["mediator"],
        )


class StartMediationView(CaseTaskView):
    form_class = forms.StartMediationForm

    def perform(self, form):
        services.case_start_mediation(
            case=self.case, actor=self.request.user, note=form.cleaned_data["note"]
        )


class HandleView(CaseTaskView):
    form_class = forms.HandleForm

    def perform(self, form):
        data, user, case = form.cleaned_data, self.request.user, self.case
        step = data["step"]
        if step == forms.Step.OUTCOME:
            services.case_record_outcome(
                case=case,
                actor=user,
                outcome=data["outcome"],
                summary=data["summary"],
                reasons=data["reasons"],
                other_routes=data["other_routes"],
            )
        elif step == forms.Step.ESCALATE:
            services.case_escalate(case=case, actor=user, reason=data["escalate_reason"])
        elif step == forms.Step.JOINT:
            from .joint import start_joint_consultation

            start_joint_consultation(
                case=case,
                actor=user,
                departments=list(data["departments"]),
                due_on=data["report_in_by"],
                reason=data["joint_reason"],
            )
        else:
            from .leader import start_leader_case

            start_leader_case(case=case, actor=user, leader=data["leader"])


class VerifyView(CaseTaskView):
    form_class = forms.VerifyForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(outcome=selectors.case_latest_outcome(self.case), **kwargs)

    def perform(self, form):
        services.case_verify_close(case=self.case, actor=self.request.user)


class RateView(CaseTaskView):
    form_class = forms.RateForm

    def perform(self, form):
        services.case_rate_parties(case=self.case, ratings=form.ratings(), actor=self.request.user)


class PoliteAssignTaskView(flow_mixins.TaskViewTemplateNames, generic.FormView):
    """Claim a task; a task someone else claimed first gets a message, not an error page."""

    template_filename = "task_assign.html"
    form_class = django_forms.Form

    def dispatch(self, request, *args, **kwargs):
        activation = request.activation
        task, user = activation.task, request.user
        case_url = reverse("cases:detail", args=[activation.process.coerced.case_id])
        if task.owner_id is not None and task.owner_id != user.pk:
            messages.warning(
                request, _("Someone else has already taken this task; it is no longer open.")
            )
            return HttpResponseRedirect(case_url)
        if task.owner_id is None and not activation.flow_task.can_assign(user, task):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        activation = self.request.activation
        if activation.task.owner_id != self.request.user.pk:
            activation.assign(self.request.user)
        return HttpResponseRedirect(
            activation.flow_task.reverse(
                "execute", args=[activation.process.pk, activation.task.pk]
            )
        )
