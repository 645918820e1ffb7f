"""A case's mediation sessions, from the case page: schedule, tell the parties their
rights, record, postpone, cancel."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from .. import access, selectors_sessions, services_sessions
from ..forms_sessions import (
    RightsNoticeForm,
    SessionCancelForm,
    SessionPostponeForm,
    SessionRecordForm,
    SessionScheduleForm,
)
from ..models.sessions import MediationSession
from .service_form import ServiceFormMixin


class _CaseSessionView(LoginRequiredMixin, ServiceFormMixin, generic.FormView):
    """A form on one case, for its handler or the centre; 403 for others who see it, 404
    for those who do not."""

    template_name = "mediation/sessions/form.html"
    title = ""
    submit = gettext_lazy("Save")
    done = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # The handler or the centre that runs the case (user_may_run_sessions).
            # 404 for a case out of the user's sight or a record that is not the
            # case's, then 403 for a case they see but may not work.
            case_access = access.case_access(request.user, kwargs["pk"])
            self.case = case_access.case
            self.find_record()
            if not case_access.may_write:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def find_record(self):
        """The record of the case the URL names, if any: 404 if the case has none."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "case": self.case}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            case=self.case, title=self.title, submit=self.submit, **kwargs
        )

    def succeeded(self, form):
        messages.success(self.request, self.done)
        return HttpResponseRedirect(reverse("cases:detail", args=[self.case.pk]) + "#sessions")

    def perform(self, form):
        raise NotImplementedError


class SessionScheduleView(_CaseSessionView):
    form_class = SessionScheduleForm
    title = gettext_lazy("Schedule a session")
    submit = gettext_lazy("Schedule")

    @property
    def done(self):
        return _("The session is scheduled and each party's notice recorded.")

    def perform(self, form):
        services_sessions.session_schedule(
            case=self.case, actor=self.request.user, **form.service_kwargs()
        )


class RightsNoticeView(_CaseSessionView):
    form_class = RightsNoticeForm
    title = gettext_lazy("Tell the parties their rights")
    submit = gettext_lazy("Record")

    @property
    def done(self):
        return _("The rights notice is recorded.")

    def perform(self, form):
        services_sessions.rights_notice_record(
            case=self.case, actor=self.request.user, **form.cleaned_data
        )


class _OneSessionView(_CaseSessionView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_class is SessionCancelForm:
            kwargs.pop("case")
        return kwargs

    @cached_property
    def session(self) -> MediationSession:
        try:
            return selectors_sessions.session_get(case=self.case, pk=self.kwargs["session"])
        except MediationSession.DoesNotExist:
            raise Http404 from None

    def find_record(self):
        return self.session

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, **kwargs)


class SessionRecordView(_OneSessionView):
    form_class = SessionRecordForm
    title = gettext_lazy("Record the session")
    submit = gettext_lazy("Record")

    @property
    def done(self):
        return _("The session record is saved.")

    def perform(self, form):
        services_sessions.session_record(
            session=self.session, actor=self.request.user, **form.service_kwargs()
        )


class SessionPostponeView(_OneSessionView):
    form_class = SessionPostponeForm
    title = gettext_lazy("Postpone the session")
    submit = gettext_lazy("Postpone")

    @property
    def done(self):
        return _("The session is postponed and each party's notice recorded.")

    def perform(self, form):
        services_sessions.session_postpone(
            session=self.session, actor=self.request.user, **form.service_kwargs()
        )


class SessionCancelView(_OneSessionView):
    form_class = SessionCancelForm
    title = gettext_lazy("Cancel the session")
    submit = gettext_lazy("Cancel the session")

    @property
    def done(self):
        return _("The session is cancelled.")

    def perform(self, form):
        services_sessions.session_cancel(
            session=self.session, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
