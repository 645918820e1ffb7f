"""The mediator roster (名册): the centre keeps it, the court reads it."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import generic

from .. import selectors_roster, services_roster
from ..forms import add_service_errors
from ..forms_roster import DutyShiftForm, MediatorProfileForm, MediatorRegisterForm, SanctionForm
from ..models import MediatorProfile
from ..models.roster import DutyShift


class _RosterReaderMixin(LoginRequiredMixin):
    """The centre and the court read the roster; everyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors_roster.user_may_view_roster(
            request.user
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        may_manage = selectors_roster.user_may_manage_roster(self.request.user)
        return super().get_context_data(may_manage=may_manage, **kwargs)


class _RosterManagerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors_roster.user_may_manage_roster(
            request.user
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RosterListView(_RosterReaderMixin, generic.TemplateView):
    template_name = "mediation/roster/list.html"

    def get_context_data(self, **kwargs):
        show_removed = self.request.GET.get("removed") == "on"
        profiles = selectors_roster.roster_profiles(include_removed=show_removed)
        performance = selectors_roster.roster_performance([p.user for p in profiles])
        rows = [(p, performance[p.user_id]) for p in profiles]
        return super().get_context_data(rows=rows, show_removed=show_removed, **kwargs)


class RosterProfileView(_RosterReaderMixin, generic.TemplateView):
    template_name = "mediation/roster/profile.html"

    def get_context_data(self, **kwargs):
        try:
            profile = selectors_roster.roster_profile_get(pk=self.kwargs["pk"])
        except MediatorProfile.DoesNotExist:
            raise Http404 from None
        return super().get_context_data(
            profile=profile,
            performance=selectors_roster.mediator_performance(profile.user),
            sanctions=selectors_roster.profile_sanctions(profile),
            **kwargs,
        )


def _week_start(value: str | None) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


class DutyCalendarView(_RosterReaderMixin, generic.FormView):
    """The week's duty rotation; the centre adds and removes shifts here."""

    template_name = "mediation/roster/duty.html"
    form_class = DutyShiftForm

    @cached_property
    def start(self) -> datetime.date:
        return _week_start(self.request.GET.get("week"))

    def get_initial(self):
        return {"day": self.start}

    def get_context_data(self, **kwargs):
        week = selectors_roster.duty_week(start=self.start)
        return super().get_context_data(
            week=week,
            start=self.start,
            previous=self.start - datetime.timedelta(days=7),
            next=self.start + datetime.timedelta(days=7),
            **kwargs,
        )

    def _back(self, day: datetime.date):
        url = reverse("cases:roster_duty") + "?" + urlencode({"week": day.isoformat()})
        return HttpResponseRedirect(url)

    def post(self, request, *args, **kwargs):
        if not selectors_roster.user_may_manage_roster(request.user):
            raise PermissionDenied
        if remove := request.POST.get("remove"):
            shift = get_object_or_404(DutyShift, pk=remove if remove.isdigit() else 0)
            services_roster.duty_shift_remove(actor=request.user, shift=shift)
            messages.success(request, _("The duty shift is removed."))
            return self._back(shift.day)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            shift = services_roster.duty_shift_set(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The mediator is on duty that day."))
        return self._back(shift.day)


class SanctionCreateView(_RosterManagerMixin, generic.FormView):
    template_name = "mediation/roster/sanction.html"
    form_class = SanctionForm

    @cached_property
    def profile(self) -> MediatorProfile:
        try:
            return selectors_roster.roster_profile_get(pk=self.kwargs["pk"])
        except MediatorProfile.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        return super().get_context_data(profile=self.profile, **kwargs)

    def form_valid(self, form):
        try:
            services_roster.sanction_impose(
                actor=self.request.user, profile=self.profile, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The sanction is recorded."))
        return HttpResponseRedirect(reverse("cases:roster_profile", args=[self.profile.pk]))


class MediatorRegisterView(_RosterManagerMixin, generic.FormView):
    """Put a mediator on the roster, with their public profile."""

    template_name = "mediation/roster/profile_form.html"
    form_class = MediatorRegisterForm

    def form_valid(self, form):
        try:
            profile = services_roster.mediator_register(
                actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The mediator is on the roster."))
        return HttpResponseRedirect(reverse("cases:roster_profile", args=[profile.pk]))


class MediatorProfileEditView(SanctionCreateView):
    """Change a roster profile's public fields."""

    template_name = "mediation/roster/profile_form.html"
    form_class = MediatorProfileForm

    def get_initial(self):
        p = self.profile
        return {
            "dispute_types": p.dispute_types,
            "specialties": p.specialties,
            "scope": p.scope,
            "charges_fee": p.charges_fee,
            "inviting_court": p.inviting_court,
            "bio": p.bio,
        }

    def form_valid(self, form):
        try:
            services_roster.mediator_profile_update(
                actor=self.request.user, profile=self.profile, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The profile is saved."))
        return HttpResponseRedirect(reverse("cases:roster_profile", args=[self.profile.pk]))
