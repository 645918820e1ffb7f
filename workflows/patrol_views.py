"""The pages of 巡诊 patrol: the rounds, an ad-hoc round, the schedules, and recording a round."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic

from mediation import selectors_patrol
from mediation.forms import add_service_errors
from mediation.models import DisputeType, Organisation, OrgKind, PatrolSchedule
from mediation.services_patrol import FindingInput, patrol_round_record

from .models import PatrolProcess
from .open_tasks import open_task_entry, open_tasks_of

# Rounds the list shows, newest first.
ROUNDS_SHOWN = 50


class FindingForm(forms.Form):
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2})
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    open_case = forms.BooleanField(label=_("Open a case"), required=False)
    dispute_type = forms.ChoiceField(
        label=_("Dispute type"), choices=[("", "—"), *DisputeType.choices], required=False
    )
    applicant_name = forms.CharField(
        label=_("Applicant"), max_length=100, required=False, help_text=_("For a case only.")
    )
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
    respondent_name = forms.CharField(label=_("Respondent"), max_length=100, required=False)


FindingFormSet = forms.formset_factory(FindingForm, extra=3)


class RoundRecordForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes on the round"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RecordRoundView(generic.FormView):
    """Record a round: notes, and a formset of findings; marked findings open cases."""

    form_class = RoundRecordForm
    template_name = "workflows/patrol/record.html"

    @cached_property
    def patrol_round(self):
        activation = self.request.activation
        return activation.flow_task.record(activation.task)

    @cached_property
    def findings(self):
        data = self.request.POST if self.request.method == "POST" else None
        return FindingFormSet(data, prefix="findings")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            patrol_round=self.patrol_round, findings=self.findings, **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = [form.is_valid(), self.findings.is_valid()]
        if not all(valid):
            return self.form_invalid(form)
        filled = [f for f in self.findings.forms if f.has_changed()]
        try:
            patrol_round_record(
                round=self.patrol_round,
                actor=request.user,
                notes=form.cleaned_data["notes"],
                findings=[FindingInput(**f.cleaned_data) for f in filled],
            )
        except ValidationError as exc:
            # The service refused; it saved nothing, and the task stays open.
            for key, errors in exc.message_dict.items():
                head, index, field = [*key.split("."), "", ""][:3]
                if head == "findings" and index.isdigit():
                    target = filled[int(index)]
                    target.add_error(field if field in target.fields else None, errors)
                else:
                    form.add_error(None, errors)
            return self.form_invalid(form)
        request.activation.execute()
        messages.success(
            request, _("Patrol round of %(community)s recorded.") % {"community": self.community}
        )
        return HttpResponseRedirect(reverse("patrol:rounds"))

    @property
    def community(self) -> Organisation:
        return self.patrol_round.community


class RoundListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflows/patrol/round_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rounds = list(
            selectors_patrol.patrol_rounds_visible_to(user)
            .prefetch_related("findings__case")
            .order_by("-planned_for", "-id")[:ROUNDS_SHOWN]
        )
        processes = PatrolProcess.objects.filter(round__in=rounds)
        round_of_process = dict(processes.values_list("pk", "round_id"))
        tasks = {
            round_of_process[task.process_id]: open_task_entry(task, user)
            for task in open_tasks_of(processes)
        }
        for patrol_round in rounds:
            patrol_round.open_task = tasks.get(patrol_round.pk)
        may_start = selectors_patrol.patrol_communities_visible_to(user).exists()
        return super().get_context_data(rounds=rounds, may_start=may_start, **kwargs)


class CommunityForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Organisation.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors_patrol.patrol_communities_visible_to(user)


class CommunityStaffOnly(LoginRequiredMixin):
    """Staff posted at a community or above it; a community elsewhere is refused (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not selectors_patrol.patrol_communities_visible_to(request.user).exists():
            raise PermissionDenied
        community = Organisation.objects.filter(
            pk=request.POST.get("community") or None, kind=OrgKind.COMMITTEE
        ).first()
        if community and not selectors_patrol.user_may_start_round(request.user, community):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class AdHocRoundView(CommunityStaffOnly, generic.FormView):
    """Start a round now, outside the schedule."""

    form_class = CommunityForm
    template_name = "workflows/patrol/ad_hoc.html"

    def form_valid(self, form):
        from .patrol import start_ad_hoc_round

        community = form.cleaned_data["community"]
        start_ad_hoc_round(community=community, actor=self.request.user)
        messages.success(
            self.request,
            _("Ad-hoc patrol round of %(community)s started.") % {"community": community},
        )
        return HttpResponseRedirect(reverse("patrol:rounds"))


class ScheduleForm(CommunityForm):
    every_days = forms.IntegerField(label=_("Patrol every (days)"), min_value=1, max_value=366)
    next_due = forms.DateField(
        label=_("Next round due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Leave empty to keep the current date, or for a new schedule to count from today."
        ),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ScheduleView(CommunityStaffOnly, generic.FormView):
    """Set a community's standing patrol schedule."""

    form_class = ScheduleForm
    template_name = "workflows/patrol/schedules.html"

    def get_context_data(self, **kwargs):
        communities = selectors_patrol.patrol_communities_visible_to(self.request.user)
        schedules = PatrolSchedule.objects.filter(community__in=communities).select_related(
            "community"
        )
        return super().get_context_data(schedules=schedules, **kwargs)

    def form_valid(self, form):
        from .patrol import set_patrol_schedule

        data = form.cleaned_data
        try:
            set_patrol_schedule(
                community=data["community"],
                every_days=data["every_days"],
                next_due=data["next_due"],
                active=data["active"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Patrol schedule of %(community)s saved.") % {"community": data["community"]},
        )
        return HttpResponseRedirect(reverse("patrol:schedules"))
