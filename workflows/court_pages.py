"""The court referral's pages outside the flow's steps: the court's list and the
centre's queue, the clerk's referral form, a referral's page with everything recorded
on it, the actions while mediation runs, and the downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.urls import Application

from mediation import access, selectors, selectors_referral, services, services_referral
from mediation.forms import add_service_errors
from mediation.models import PartyRole, PersonKind
from mediation.models.referrals import Referral, ReferralDocument, ReferralStatus
from mediation.views.service_form import ServiceFormMixin

from . import court_forms as forms


class ReferralListView(generic.TemplateView):
    template_name = "workflows/court/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.is_authenticated:
            raise PermissionDenied
        return super().get_context_data(
            court_referrals=selectors_referral.court_referrals(user),
            queue=selectors_referral.centre_queue(user),
            may_refer=selectors_referral.referring_courts(user).exists(),
            **kwargs,
        )


class ReferralCreateView(generic.FormView):
    template_name = "workflows/court/form.html"
    form_class = forms.ReferralCreateForm
    start = None

    def dispatch(self, request, *args, **kwargs):
        if not selectors_referral.referring_courts(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def _parties(self, data) -> list:
        parties = []
        for role, prefix in (
            (PartyRole.APPLICANT, "applicant"),
            (PartyRole.RESPONDENT, "respondent"),
        ):
            name = (data.get(f"{prefix}_name") or "").strip()
            if name:
                person = services.PersonInput(
                    kind=PersonKind.NATURAL,
                    name=name,
                    id_number=data.get(f"{prefix}_id_number", ""),
                    phone=data.get(f"{prefix}_phone", ""),
                )
                parties.append(services.PartyInput(role=role, person=person))
        return parties

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            referral = services_referral.referral_create(
                actor=self.request.user,
                court=data["court"],
                centre=data["centre"],
                kind=data["kind"],
                procedure=data["procedure"],
                title=data["title"],
                claim=data["claim"],
                dispute_type=data["dispute_type"],
                parties=self._parties(data),
                materials=data["materials"],
                one_party_application=data["one_party_application"],
                court_case_number=data["court_case_number"],
            )
            self.start(referral)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Referral sent: case %s.") % referral.case.number)
        return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))


def referral_access(user, pk) -> tuple[Referral, access.CaseAccess]:
    """A court referral and how ``user`` sees its case (``access.referral_access``)."""
    return access.referral_access(user, pk, Referral, ("court", "centre", "mediator"))


class ReferralDetailView(generic.TemplateView):
    """The referral and everything recorded on it. A referring court and a designated
    mediator who has not answered see it without the case's session records."""

    template_name = "workflows/court/detail.html"

    def get_context_data(self, pk, **kwargs):
        user = self.request.user
        referral, case_access = referral_access(user, pk)
        return super().get_context_data(
            referral=referral,
            case=referral.case,
            access=case_access,
            as_referrer=access.Relation.REFERRER in case_access.relations,
            parties=selectors.case_parties(referral.case),
            documents=selectors_referral.referral_documents(referral),
            consents=selectors_referral.referral_consents(referral),
            extensions=selectors_referral.referral_extensions(referral),
            appraisals=referral.appraisals.all(),
            recusals=selectors_referral.referral_recusals(referral),
            suspensions=selectors_referral.referral_suspensions(referral),
            mediating=referral.status == ReferralStatus.MEDIATING,
            is_mediator=selectors_referral.user_is_mediator(user, referral),
            is_centre=selectors_referral.user_is_centre_staff(user, referral),
            **kwargs,
        )


def document_download(request, pk):
    """Uploads are never served publicly: only to those who may see the referral's case
    (the referring court gets the records sent back to it); to anyone else a 404."""
    document = get_object_or_404(ReferralDocument.objects.select_related("referral"), pk=pk)
    access.access_case(request.user, document.referral.case_id)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


class ReferralActionView(ServiceFormMixin, generic.FormView):
    """The mediator's and the centre's actions while mediation runs. A recusal and a sham
    flag stop the mediation: ``interrupt`` runs them with the flow's step."""

    template_name = "workflows/court/form.html"
    interrupt = None
    ACTIONS = {
        "extend": forms.ExtendForm,
        "appraisal_start": forms.AppraisalForm,
        "appraisal_end": forms.AppraisalForm,
        "recuse": forms.RecusalForm,
        "sham": forms.ShamForm,
    }

    def dispatch(self, request, *args, pk, action, **kwargs):
        if action not in self.ACTIONS:
            raise Http404
        self.referral, _access = referral_access(request.user, pk)
        self.action = action
        user = request.user
        allowed = selectors_referral.user_is_mediator(user, self.referral)
        if action != "sham":
            allowed = allowed or selectors_referral.user_is_centre_staff(user, self.referral)
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return self.ACTIONS[self.action]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "referral": self.referral}

    def perform(self, form):
        data, user, referral = form.cleaned_data, self.request.user, self.referral
        if self.action == "extend":
            services_referral.referral_extend(
                referral=referral, actor=user, **form.service_kwargs()
            )
        elif self.action == "appraisal_start":
            services_referral.referral_appraisal_start(
                referral=referral, actor=user, subject=data["subject"]
            )
        elif self.action == "appraisal_end":
            services_referral.referral_appraisal_end(referral=referral, actor=user)
        elif self.action == "recuse":
            self.interrupt(
                referral,
                lambda: services_referral.referral_recuse(
                    referral=referral,
                    actor=user,
                    kind=data["kind"],
                    reason=data["reason"],
                    consent=data["consent"],
                ),
            )
        else:
            self.interrupt(
                referral,
                lambda: services_referral.referral_flag_sham(
                    referral=referral, actor=user, note=data["note"]
                ),
            )

    def succeeded(self, form):
        user, referral = self.request.user, self.referral
        if access.may_see_case(user, referral.case_id):
            return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))
        return HttpResponseRedirect(reverse("referrals:list"))


class ReferralApplication(Application):
    app_name = "referrals"
    title = _("Court referrals")
    icon = "account_balance"
    base_template_name = "mediation/base.html"
    menu_template_name = "workflows/court/menu.html"

    def __init__(self, *, start, interrupt, **kwargs):
        super().__init__(**kwargs)
        self._start, self._interrupt = start, interrupt

    @property
    def list_path(self):
        return path("", login_required(ReferralListView.as_view()), name="list")

    @property
    def create_path(self):
        return path(
            "new/", login_required(ReferralCreateView.as_view(start=self._start)), name="new"
        )

    @property
    def detail_path(self):
        return path("<int:pk>/", login_required(ReferralDetailView.as_view()), name="detail")

    @property
    def action_path(self):
        return path(
            "<int:pk>/<slug:action>/",
            login_required(ReferralActionView.as_view(interrupt=self._interrupt)),
            name="action",
        )

    @property
    def download_path(self):
        return path("documents/<int:pk>/", login_required(document_download), name="download")
