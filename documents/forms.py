"""The staff's forms for documents: the content of each kind, a correction's reason, and
the mediator's signature. The services validate again; the forms give field errors."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mediation.models.diagnoses import ReturnVisit
from mediation.models.sessions import MediationSession

from .models import DocumentKind


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AgreementForm(forms.Form):
    """The contents of a mediation agreement (人民调解法 art 29)."""

    facts = _text(_("Main facts of the dispute"))
    disputed_matters = _text(_("Matters in dispute"))
    responsibilities = _text(_("Each party's responsibility"))
    terms = _text(_("Agreed terms"), _("What each party will do; one term a line."))
    performance = _text(
        _("How the terms are carried out"), _("The way, place and time of performance.")
    )
    performance_due = forms.DateField(
        label=_("Carried out by"),
        required=False,
        help_text=_("The last day for the terms, if there is one (YYYY-MM-DD)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    agreed_amount = forms.DecimalField(
        label=_("Amount agreed (yuan)"),
        required=False,
        min_value=0,
        max_value=settings.MEDIATION["MAX_AMOUNT"],
        decimal_places=2,
        max_digits=14,
    )

    def content(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        due = data.get("performance_due")
        data["performance_due"] = due.isoformat() if due else ""
        amount = data.get("agreed_amount")
        data["agreed_amount"] = "" if amount is None else str(amount)
        return data


class TerminationForm(forms.Form):
    """A termination record: why mediation ended, and the parties' other routes."""

    reasons = _text(_("Reasons for ending the mediation"))
    other_routes = _text(
        _("Other routes open to the parties"),
        _("For example: a lawsuit at the people's court, arbitration, an administrative body."),
    )

    def content(self) -> dict:
        return dict(self.cleaned_data)


class UndisputedForm(forms.Form):
    facts = _text(_("Facts the parties do not dispute"))

    def content(self) -> dict:
        return {"facts": self.cleaned_data["facts"]}


class SessionChoiceForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=MediationSession.objects.none(), empty_label=None
    )

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.scheduled_at:%Y-%m-%d %H:%M} {s.place}".strip()
        )

    def content(self) -> dict:
        return {}


class ReturnVisitChoiceForm(forms.Form):
    return_visit = forms.ModelChoiceField(
        label=_("Return visit"), queryset=ReturnVisit.objects.none(), empty_label=None
    )

    def __init__(self, *args, visits=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visits is not None:
            self.fields["return_visit"].queryset = visits
        self.fields["return_visit"].label_from_instance = lambda v: (
            f"{v.visited_at or v.due_on:%Y-%m-%d} {v.get_result_display()}"
        )

    def content(self) -> dict:
        return {}


class ConfirmForm(forms.Form):
    """A kind that takes everything from the case: nothing to fill in but the click."""

    def content(self) -> dict:
        return {}


CONTENT_FORMS = {
    DocumentKind.AGREEMENT: AgreementForm,
    DocumentKind.TERMINATION: TerminationForm,
    DocumentKind.UNDISPUTED: UndisputedForm,
    DocumentKind.RECORD: SessionChoiceForm,
    DocumentKind.REVISIT: ReturnVisitChoiceForm,
    DocumentKind.REFERRAL: ConfirmForm,
    DocumentKind.CONFIRMATION: ConfirmForm,
    DocumentKind.CASEFILE: ConfirmForm,
}
# The kinds whose content a correction may change; the others are rendered again from
# the case as it is now.
EDITABLE = (DocumentKind.AGREEMENT, DocumentKind.TERMINATION, DocumentKind.UNDISPUTED)


class _Reason(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed on the new version and kept in the case's history."),
    )


def correction_form_class(kind: str) -> type[forms.Form]:
    """The reason, then the content fields of ``kind`` where a correction may change them."""
    if kind not in EDITABLE:
        return type("CorrectionForm", (_Reason, ConfirmForm), {})
    return type("CorrectionForm", (_Reason, CONTENT_FORMS[kind]), {"field_order": ["reason"]})


def initial_from_content(kind: str, content: dict) -> dict:
    if kind not in EDITABLE:
        return {}
    return {key: value for key, value in content.items() if value not in (None, "")}


class MediatorSignForm(forms.Form):
    seen_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("I have read the agreement every party signed, and I sign it as the mediator."),
    )
