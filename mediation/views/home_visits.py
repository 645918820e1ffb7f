"""Arranging a home visit to a party (上门问诊), from the case page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from .. import access, services
from ..forms import HomeVisitForm, add_service_errors


class HomeVisitCreateView(LoginRequiredMixin, generic.FormView):
    """The handler, or the centre's staff, arrange a visit for a case still being handled."""

    template_name = "mediation/home_visit.html"
    form_class = HomeVisitForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # 404 for a case out of the user's sight, 403 for one they may not work.
            self.case = access.access_case(request.user, kwargs["pk"], for_write=True)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def form_valid(self, form):
        try:
            services.home_visit_schedule(
                case=self.case, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The home visit is arranged."))
        return HttpResponseRedirect(reverse("cases:detail", args=[self.case.pk]))
