"""The forms of the court referral's pages (诉调对接)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from mediation import selectors_referral
from mediation.models import DisputeType, MediatorProfile, MediatorStatus, Organisation
from mediation.models.referrals import CourtDecision, Procedure, ReferralKind

CENTRE_KINDS = ("district_centre", "street_centre")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service that keeps it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReferralCreateForm(forms.Form):
    court = forms.ModelChoiceField(label=_("Referring court"), queryset=Organisation.objects.none())
    centre = forms.ModelChoiceField(
        label=_("Receiving centre"), queryset=Organisation.objects.filter(kind__in=CENTRE_KINDS)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferralKind.choices)
    procedure = forms.ChoiceField(label=_("Procedure"), choices=Procedure.choices, required=False)
    title = forms.CharField(label=_("Summary"), max_length=200)
    claim = forms.CharField(label=_("Claim"), widget=forms.Textarea, required=False)
    dispute_type = forms.ChoiceField(label=_("Dispute type"), choices=DisputeType.choices)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=100, required=False)
    applicant_id_number = forms.CharField(
        label=_("Applicant's resident ID number"), max_length=18, required=False
    )
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
    respondent_name = forms.CharField(label=_("Respondent"), max_length=100, required=False)
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=20, required=False)
    one_party_application = forms.BooleanField(
        label=_("Applied for by one party only"), required=False
    )
    materials = MultipleFileField(label=_("Case materials"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = selectors_referral.referring_courts(user)


class Decision:
    TAKE = "take"
    RETURN = "return"
    choices = [(TAKE, _("Take the referral up")), (RETURN, _("Return it to the court"))]


class _TaskForm(forms.Form):
    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)


def _need(form, data, field):
    if not (data.get(field) or "").strip():
        form.add_error(field, _("This field is required for the chosen decision."))


class DecideForm(_TaskForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.RETURN:
            _need(self, data, "reason")
        return data


class ConsentForm(_TaskForm):
    consents = forms.TypedChoiceField(
        label=_("The parties' answer"),
        choices=[
            ("1", _("Every party consents to mediation")),
            ("0", _("A party refuses, or cannot be reached")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Who refused, and why"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if data.get("consents") is False:
            _need(self, data, "reason")
        return data


class ChooseForm(_TaskForm):
    mediator = forms.ModelChoiceField(
        label=_("Mediator the parties chose together"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty to let the duty rotation designate one."),
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        roster = MediatorProfile.objects.filter(status=MediatorStatus.ACTIVE).values("user")
        self.fields["mediator"].queryset = get_user_model().objects.filter(pk__in=roster)


class PickForm(ChooseForm):
    """Nobody on duty fits: the centre designates one itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].required = True
        self.fields["mediator"].label = _("Mediator the centre designates")
        self.fields["mediator"].help_text = ""


class AnswerForm(_TaskForm):
    accept = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("1", _("I accept the case")), ("0", _("I decline"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea, required=False)
    conflict = forms.CharField(
        label=_("Relationship to a party or agent, or interest in the dispute"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Declare it here (回避); leave empty if there is none."),
    )
    consent = forms.FileField(
        label=_("Both parties' written consent to keep you"),
        required=False,
        help_text=_("Needed only when you declare a conflict and accept."),
    )


class ApplyForm(_TaskForm):
    applies = forms.TypedChoiceField(
        label=_("Judicial confirmation"),
        choices=[
            ("1", _("The parties apply jointly")),
            ("0", _("The parties do not apply")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    applied_on = forms.DateField(
        label=_("Applied on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("applies") and not data.get("applied_on"):
            self.add_error("applied_on", _("This field is required for the chosen decision."))
        return data


class CourtDecideForm(_TaskForm):
    decision = forms.ChoiceField(
        label=_("The court's decision"),
        choices=[c for c in CourtDecision.choices if c[0]],
        widget=forms.RadioSelect,
    )


class FailureForm(_TaskForm):
    undisputed_facts = forms.CharField(
        label=_("Facts the parties do not dispute"), widget=forms.Textarea
    )
    cost_conduct = forms.CharField(
        label=_("Conduct that raised the costs of mediation"),
        widget=forms.Textarea,
        required=False,
    )


class RegisterForm(_TaskForm):
    court_case_number = forms.CharField(label=_("The court's case number"), max_length=60)


# The mediator's and the centre's actions while mediation runs.


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    applicant_consents = forms.BooleanField(label=_("The applicant agrees"), required=False)
    respondent_consents = forms.BooleanField(label=_("The respondent agrees"), required=False)


class AppraisalForm(forms.Form):
    subject = forms.CharField(label=_("What is appraised"), max_length=200, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea)
