"""The joint consultation's pages: report in, the director's decision, the joint plan, lists."""

from django import forms
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mediation import access, services_joint
from mediation.models import Case, DepartmentSummons, JointConsultation
from mediation.selectors_joint import consultation_summonses, consultations_visible_to

from .models import JointProcess
from .record_tasks import narrowed_viewset_class
from .views import CaseTaskView


def summons_of(task) -> DepartmentSummons:
    """The summons a branch task works on: its own ``data``, or the nearest task before it."""
    while task is not None:
        pk = (task.data or {}).get("summons")
        if pk:
            return DepartmentSummons.objects.select_related("department", "consultation__case").get(
                pk=pk
            )
        task = task.previous.order_by("-pk").first()
    raise LookupError("no summons on this branch")


def consultation_of(task_or_process) -> JointConsultation:
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return JointConsultation.objects.select_related("case").get(process__pk=process_pk)


def _back_url(user, case: Case) -> str:
    """The case page for those who may see it; the consultations board for anyone else
    (a department whose consultation has just closed)."""
    if access.may_see_case(user, case):
        return reverse("cases:detail", args=[case.pk])
    return reverse("jointconsultation:index")


# Forms


class ReportInForm(forms.Form):
    opinion = forms.CharField(label=_("The department's opinion"), widget=forms.Textarea)

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)


class Decision:
    ANSWER = "answer"
    EXTEND = "extend"

    choices = [
        (ANSWER, _("Answer for the department")),
        (EXTEND, _("Give the department a new date")),
    ]


class DirectorDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label=_("Opinion given for the department"), widget=forms.Textarea, required=False
    )
    due_on = forms.DateField(
        label=_("New report-in date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == Decision.ANSWER and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("This field is required for the chosen decision."))
        if decision == Decision.EXTEND and not data.get("due_on"):
            self.add_error("due_on", _("This field is required for the chosen decision."))
        return data


class JointPlanForm(forms.Form):
    plan = forms.CharField(label=_("Joint plan"), widget=forms.Textarea)

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)


# Task pages


class JointTaskView(CaseTaskView):
    """A consultation step: the page shows the case, what was asked, and the department."""

    template_name = "workflows/joint/task.html"

    @cached_property
    def consultation(self) -> JointConsultation:
        return consultation_of(self.request.activation.process)

    @cached_property
    def case(self) -> Case:
        return self.consultation.case

    @cached_property
    def summons(self) -> DepartmentSummons | None:
        try:
            return summons_of(self.request.activation.task)
        except LookupError:
            return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultation=self.consultation,
            summons=self.summons,
            case_visible=access.may_see_case(self.request.user, self.case),
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            # The step may have closed the consultation, and with it the case to a
            # department: the case page for those who still see it, else the board.
            return HttpResponseRedirect(_back_url(self.request.user, self.case))
        return response


class ReportInView(JointTaskView):
    form_class = ReportInForm

    def perform(self, form):
        services_joint.joint_report_in(
            summons=self.summons, actor=self.request.user, opinion=form.cleaned_data["opinion"]
        )


class DirectorDecidesView(JointTaskView):
    form_class = DirectorDecisionForm

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["decision"] == Decision.ANSWER:
            services_joint.joint_summons_answer(
                summons=self.summons, actor=user, opinion=data["opinion"]
            )
        else:
            services_joint.joint_summons_extend(
                summons=self.summons, actor=user, due_on=data["due_on"]
            )


class JointPlanView(JointTaskView):
    form_class = JointPlanForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summonses=consultation_summonses(self.consultation), **kwargs
        )

    def perform(self, form):
        services_joint.joint_consultation_plan(
            consultation=self.consultation, actor=self.request.user, plan=form.cleaned_data["plan"]
        )


def joint_processes_visible_to(user):
    """The consultations' processes on cases ``user`` may see, or that summon their body."""
    return JointProcess.objects.filter(consultation__in=consultations_visible_to(user))


# The lists show only those processes.
JointViewset = narrowed_viewset_class(joint_processes_visible_to)
