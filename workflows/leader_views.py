"""The pages of the leader case's (专诊) human steps; each one calls one mediation service."""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mediation import access, selectors, selectors_leader, services_leader
from mediation.models import Case, LeaderCase

from . import forms as loop_forms
from . import views


def leader_case_of(task_or_process) -> LeaderCase:
    """The leader case of a leader-case process, or of one of its tasks."""
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return LeaderCase.objects.select_related(
        "leader", "case", "case__centre", "case__handling_org"
    ).get(process__pk=process_pk)


# Forms


class _TaskForm(forms.Form):
    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)

    def require(self, data, *names) -> None:
        for name in names:
            if not (data.get(name) or "").strip():
                self.add_error(name, _("This field is required for the chosen step."))


class DraftPlanForm(_TaskForm):
    plan = forms.CharField(
        label=_("Resolution plan"),
        widget=forms.Textarea,
        help_text=_("Who does what by when, and which departments are involved."),
    )


class ApprovePlanForm(_TaskForm):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve the plan")), (RETURN, _("Return it with comments"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(label=_("Comments"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN:
            self.require(data, "comments")
        return data


class ProgressForm(_TaskForm):
    REPORT, RESOLUTION = "report", "resolution"
    step = forms.ChoiceField(
        label=_("Next step"),
        choices=[(REPORT, _("File a progress report")), (RESOLUTION, _("Record the resolution"))],
        widget=forms.RadioSelect,
        initial=REPORT,
    )
    text = forms.CharField(
        label=_("Progress since the last report"), widget=forms.Textarea, required=False
    )
    # The resolution is recorded as the case loop records an outcome (人民调解法 art 26).
    outcome = loop_forms.HandleForm.base_fields["outcome"]
    summary = loop_forms.HandleForm.base_fields["summary"]
    reasons = loop_forms.HandleForm.base_fields["reasons"]
    other_routes = loop_forms.HandleForm.base_fields["other_routes"]

    def clean(self):
        data = super().clean()
        if data.get("step") == self.REPORT:
            self.require(data, "text")
        elif data.get("step") == self.RESOLUTION:
            self.require(data, "outcome", "summary")
        return data


class SignOffForm(_TaskForm):
    SIGN_OFF, SEND_BACK = "sign_off", "send_back"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SIGN_OFF, _("Sign off the resolution")),
            (SEND_BACK, _("Send it back to mediation")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.SEND_BACK:
            self.require(data, "note")
        return data


# Views


class LeaderTaskView(views.CaseTaskView):
    template_name = "workflows/leader/task.html"

    @cached_property
    def leader_case(self) -> LeaderCase:
        return leader_case_of(self.request.activation.process)

    @cached_property
    def case(self) -> Case:
        return self.leader_case.case

    def get_context_data(self, **kwargs):
        leader_case = self.leader_case
        return super().get_context_data(
            leader_case=leader_case,
            case_visible=access.may_see_case(self.request.user, self.case),
            reports=selectors_leader.leader_case_reports(leader_case),
            owed=selectors_leader.leader_case_owed_report(leader_case),
            **kwargs,
        )


class DraftPlanView(LeaderTaskView):
    form_class = DraftPlanForm

    def get_initial(self):
        return {"plan": self.leader_case.plan}

    def get_context_data(self, **kwargs):
        returned = selectors_leader.leader_case_last_return(self.leader_case)
        return super().get_context_data(returned=returned, **kwargs)

    def perform(self, form):
        services_leader.leader_plan_draft(
            leader_case=self.leader_case, actor=self.request.user, plan=form.cleaned_data["plan"]
        )


class ApprovePlanView(LeaderTaskView):
    form_class = ApprovePlanForm

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["decision"] == ApprovePlanForm.APPROVE:
            services_leader.leader_plan_approve(leader_case=self.leader_case, actor=user)
        else:
            services_leader.leader_plan_return(
                leader_case=self.leader_case, actor=user, comments=data["comments"]
            )


class ProgressView(LeaderTaskView):
    form_class = ProgressForm

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["step"] == ProgressForm.REPORT:
            services_leader.progress_report_file(
                leader_case=self.leader_case, actor=user, text=data["text"]
            )
        else:
            services_leader.leader_case_resolve(
                leader_case=self.leader_case,
                actor=user,
                outcome=data["outcome"],
                summary=data["summary"],
                reasons=data["reasons"],
                other_routes=data["other_routes"],
            )


class SignOffView(LeaderTaskView):
    form_class = SignOffForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(outcome=selectors.case_latest_outcome(self.case), **kwargs)

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["decision"] == SignOffForm.SIGN_OFF:
            services_leader.leader_sign_off(
                leader_case=self.leader_case, actor=user, note=data["note"]
            )
        else:
            services_leader.leader_send_back(
                leader_case=self.leader_case, actor=user, note=data["note"]
            )
