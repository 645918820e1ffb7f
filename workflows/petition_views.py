"""The pages of 访调对接: the transfer, the referrals list, the objection, the extension."""

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

from mediation import access, deadlines, services_petition
from mediation.models import DisputeType
from mediation.models.handoffs import PetitionReferral
from mediation.selectors_handoffs import (
    petition_referrals_of_bureaus,
    petition_referrals_received,
    receiving_centres,
    user_bureaus,
    user_manages_centre,
)

from .police_petition_loop import decide_referral
from .police_views import REFERRALS_SHOWN, PartiesForm, form_errors


class TransferForm(PartiesForm):
    bureau = forms.ModelChoiceField(label=_("Petition bureau"), queryset=None)
    centre = forms.ModelChoiceField(label=_("Receiving centre"), queryset=None)
    petition_number = forms.CharField(label=_("Petition number"), max_length=40)
    registered_on = forms.DateField(
        label=_("Registered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(
        label=_("What the petition asks"), widget=forms.Textarea(attrs={"rows": 4})
    )
    dispute_type = forms.ChoiceField(label=_("Dispute type"), choices=DisputeType.choices)
    consent = forms.BooleanField(
        label=_("The parties consent to mediation"),
        help_text=_("A civil petition goes to mediation only with the parties' consent."),
    )
    consented_by = forms.CharField(label=_("Consent given by"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = user_bureaus(user)
        self.fields["centre"].queryset = receiving_centres()


class TransferView(LoginRequiredMixin, generic.FormView):
    """Petition staff transfer a civil petition (申诉求决类) to a centre."""

    form_class = TransferForm
    template_name = "workflows/petition/transfer.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_bureaus(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        from .petition import transfer_petition

        data = form.cleaned_data
        try:
            referral = transfer_petition(
                staff=self.request.user,
                bureau=data["bureau"],
                centre=data["centre"],
                petition_number=data["petition_number"],
                registered_on=data["registered_on"],
                title=data["title"],
                description=data["description"],
                dispute_type=data["dispute_type"],
                parties=form.parties(),
                consent=data["consent"],
                consented_by=data["consented_by"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Petition %(petition)s transferred to %(centre)s as case %(number)s.")
            % {
                "petition": referral.petition_number,
                "centre": data["centre"].name,
                "number": referral.case.number,
            },
        )
        return HttpResponseRedirect(reverse("petitionreferral:referrals"))


class ReferralListView(LoginRequiredMixin, generic.TemplateView):
    """The bureau's transfers with their clocks and results; a centre's received ones."""

    template_name = "workflows/petition/referrals.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            sent=petition_referrals_of_bureaus(user)[:REFERRALS_SHOWN],
            received=petition_referrals_received(user)[:REFERRALS_SHOWN],
            may_send=user_bureaus(user).exists(),
            max_extension=deadlines.PETITION_MAX_EXTENSION_DAYS,
            **kwargs,
        )


class CentreReferralView(LoginRequiredMixin, generic.FormView):
    """A page on one received referral, for the receiving centre's staff only: a
    referral whose case the user may not see is a 404; one they see but do not run, 403."""

    @cached_property
    def referral(self) -> PetitionReferral:
        referral = get_object_or_404(PetitionReferral, pk=self.kwargs["pk"])
        referral.case = access.access_case(self.request.user, referral.case_id)
        return referral

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_manages_centre(
            request.user, self.referral.case.centre
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)

    def done(self, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("petitionreferral:referrals"))


class ObjectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the matter is not the centre's"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ObjectView(CentreReferralView):
    """The centre objects to a wrong transfer (art 23): its review decision before
    acceptance, the end of the case's handling after it; within 5 working days."""

    form_class = ObjectForm
    template_name = "workflows/petition/object.html"

    def form_valid(self, form):
        from .petition import stop_petition_clock

        referral, user = self.referral, self.request.user

        def decide():
            objected = services_petition.petition_referral_object(
                referral=referral, actor=user, reason=form.cleaned_data["reason"]
            )
            stop_petition_clock(objected)
            return objected

        try:
            decide_referral(case=referral.case, user=user, decide=decide)
        except ValidationError as exc:
            form_errors(form, exc)
            return self.form_invalid(form)
        return self.done(
            _("Objection to petition %(number)s sent to the bureau.")
            % {"number": referral.petition_number}
        )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1)
    notice = forms.CharField(
        label=_("Notice given to the petitioner"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendView(CentreReferralView):
    """Extend the handling period once, by at most 30 days, with notice (art 34)."""

    form_class = ExtendForm
    template_name = "workflows/petition/extend.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            referral = services_petition.petition_referral_extend(
                referral=self.referral,
                actor=self.request.user,
                days=data["days"],
                notice=data["notice"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return self.form_invalid(form)
        return self.done(
            _("Petition %(number)s is now to be handled by %(date)s.")
            % {"number": referral.petition_number, "date": referral.handle_by.isoformat()}
        )
