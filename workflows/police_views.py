"""The pages of 公调对接: the officer's referral, the referrals list, the hand-back."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic

from mediation import access, services, services_police
from mediation.forms import add_service_errors
from mediation.models import DisputeType, PartyRole, PersonKind
from mediation.models.handoffs import PoliceReferral
from mediation.selectors import user_may_manage_case
from mediation.selectors_handoffs import (
    police_referrals_of_stations,
    police_referrals_received,
    receiving_centres,
    user_stations,
)

from .police_petition_loop import decide_referral

# Referrals a list shows, newest first.
REFERRALS_SHOWN = 100


def party_field(key: str) -> str:
    """The form's field for a service's ``parties.<index>.<field>`` key: the first party
    is the applicant, the second the respondent."""
    if not key.startswith("parties."):
        return key
    index, _dot, name = key.removeprefix("parties.").partition(".")
    return f"{'applicant' if index == '0' else 'respondent'}_{name}"


def form_errors(form, exc: ValidationError) -> None:
    add_service_errors(form, exc, field_for=party_field)


class PartiesForm(forms.Form):
    """The two sides of a referred dispute: who asks, and who is asked."""

    applicant_name = forms.CharField(label=_("Applicant"), max_length=100)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20)
    respondent_name = forms.CharField(label=_("Respondent"), max_length=100)
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=20, required=False)

    def parties(self) -> list:
        data = self.cleaned_data
        return [
            services.PartyInput(
                role=role,
                person=services.PersonInput(
                    kind=PersonKind.NATURAL,
                    name=data[f"{prefix}_name"],
                    phone=data[f"{prefix}_phone"],
                ),
            )
            for prefix, role in (
                ("applicant", PartyRole.APPLICANT),
                ("respondent", PartyRole.RESPONDENT),
            )
        ]


class ReferralForm(PartiesForm):
    station = forms.ModelChoiceField(label=_("Police station"), queryset=None)
    centre = forms.ModelChoiceField(label=_("Receiving centre"), queryset=None)
    title = forms.CharField(label=_("Summary"), max_length=200)
    account = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    dispute_type = forms.ChoiceField(label=_("Dispute type"), choices=DisputeType.choices)
    location = forms.CharField(label=_("Where"), max_length=200)
    incident_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = user_stations(user)
        self.fields["centre"].queryset = receiving_centres()


class OfficersOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_stations(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReferView(OfficersOnly, generic.FormView):
    """A police officer refers a 110 call that is not a police matter."""

    form_class = ReferralForm
    template_name = "workflows/police/refer.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        from .police import refer_110_call

        data = form.cleaned_data
        try:
            referral = refer_110_call(
                officer=self.request.user,
                station=data["station"],
                centre=data["centre"],
                title=data["title"],
                account=data["account"],
                dispute_type=data["dispute_type"],
                location=data["location"],
                incident_at=data["incident_at"],
                parties=form.parties(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Referred to %(centre)s as case %(number)s.")
            % {"centre": data["centre"].name, "number": referral.case.number},
        )
        return HttpResponseRedirect(reverse("policereferral:referrals"))


class ReferralListView(LoginRequiredMixin, generic.TemplateView):
    """The station's referrals and their outcome; a centre's received referrals."""

    template_name = "workflows/police/referrals.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            sent=police_referrals_of_stations(user)[:REFERRALS_SHOWN],
            received=police_referrals_received(user)[:REFERRALS_SHOWN],
            may_send=user_stations(user).exists(),
            **kwargs,
        )


class HandBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is a police matter"), widget=forms.Textarea(attrs={"rows": 3})
    )


class HandBackView(LoginRequiredMixin, generic.FormView):
    """The centre hands a referral back: it is a police matter after all (art 25).

    Before acceptance, or while the case is handled; the case page links here too. A
    referral whose case the user may not see is a 404; one they see but do not run, 403."""

    form_class = HandBackForm
    template_name = "workflows/police/hand_back.html"

    @cached_property
    def referral(self) -> PoliceReferral:
        referral = get_object_or_404(
            PoliceReferral.objects.select_related("station"), pk=self.kwargs["pk"]
        )
        referral.case = access.access_case(self.request.user, referral.case_id)
        return referral

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_may_manage_case(
            request.user, self.referral.case
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)

    def form_valid(self, form):
        referral, user = self.referral, self.request.user
        try:
            decide_referral(
                case=referral.case,
                user=user,
                decide=lambda: services_police.police_referral_hand_back(
                    referral=referral, actor=user, reason=form.cleaned_data["reason"]
                ),
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Case %(number)s handed back to %(station)s.")
            % {"number": referral.case.number, "station": referral.station.name},
        )
        return HttpResponseRedirect(reverse("cases:detail", args=[referral.case.pk]))
