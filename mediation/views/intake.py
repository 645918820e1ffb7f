"""Registering a case (发现上报) from the staff pages."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import selectors, services
from ..forms import CaseIntakeForm, PartyFormSet


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def attach_service_errors(exc: ValidationError, form, formset, party_forms) -> None:
    """Put each message of ``services.case_report``'s error next to its field.

    Keys are the form's field names, ``parties`` for the parties as a whole and
    ``parties.<index>.<field>`` for one party, where ``index`` counts ``party_forms``.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages_ in exc.message_dict.items():
        if key == "parties":
            formset.non_form_errors().extend(messages_)
        elif key.startswith("parties."):
            _prefix, index, field = key.split(".", 2)
            party_form = party_forms[int(index)]
            party_form.add_error(field if field in party_form.fields else None, messages_)
        elif key in form.fields:
            form.add_error(key, messages_)
        else:
            form.add_error(None, messages_)


class CaseIntakeView(LoginRequiredMixin, UserPassesTestMixin, View):
    template_name = "mediation/case_intake.html"
    party_prefix = "parties"

    def test_func(self):
        return selectors.user_may_register(self.request.user)

    def get(self, request):
        form = CaseIntakeForm(user=request.user, initial={"intake_token": uuid.uuid4()})
        formset = PartyFormSet(
            prefix=self.party_prefix, initial=[{"role": "applicant"}, {"role": "respondent"}]
        )
        return self.render(form, formset)

    def post(self, request):
        form = CaseIntakeForm(request.POST, user=request.user)
        formset = PartyFormSet(request.POST, prefix=self.party_prefix)
        if form.is_valid() and formset.is_valid():
            party_forms = formset.filled_forms()
            try:
                case = services.case_report(
                    actor=request.user,
                    parties=[party_form.party_input() for party_form in party_forms],
                    **form.case_fields(),
                )
            except ValidationError as exc:
                attach_service_errors(exc, form, formset, party_forms)
            else:
                messages.success(request, _("Case %(number)s registered") % {"number": case.number})
                return HttpResponseSeeOther(reverse("cases:detail", args=[case.pk]))
        return self.render(form, formset)

    def render(self, form, formset):
        return TemplateResponse(
            self.request, self.template_name, {"form": form, "formset": formset}
        )
