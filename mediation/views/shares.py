"""A centre director shares a case once with a user or an organisation, with a reason,
and revokes the share, with a reason; both are audited (services_access)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from .. import access, selectors, services_access
from ..forms import add_service_errors
from ..forms_access import ShareGrantForm, ShareRevokeForm


class _DirectorMixin(LoginRequiredMixin):
    """404 for a case the user may not see; 403 for one they see but may not share."""

    @cached_property
    def access(self) -> access.CaseAccess:
        return access.case_access(self.request.user, self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.access.may_share:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return HttpResponseRedirect(reverse("cases:shares", args=[self.access.case.pk]))


class CaseShareView(_DirectorMixin, generic.FormView):
    template_name = "mediation/shares.html"
    form_class = ShareGrantForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            case=self.access.case,
            shares=selectors.case_shares(self.access.case),
            revoke_form=ShareRevokeForm(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services_access.case_share_grant(
                case=self.access.case, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The case is shared."))
        return self.back()


class CaseShareRevokeView(_DirectorMixin, generic.FormView):
    """POST only, from the shares page: revoke one share with a reason."""

    http_method_names = ["post"]
    template_name = "mediation/shares.html"
    form_class = ShareRevokeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # A share that is not this case's is 404, like the case, before the 403
            # for who may not share and the 405 for a GET.
            self.share  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def share(self):
        try:
            return selectors.case_share_get(
                case=self.access.case, kind=self.kwargs["kind"], pk=self.kwargs["share"]
            )
        except ObjectDoesNotExist:
            raise Http404 from None

    def form_valid(self, form):
        try:
            services_access.case_share_revoke(
                share=self.share, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return self.back()
        messages.success(self.request, _("The share is revoked."))
        return self.back()
