"""The forms of the court referral's pages (诉调对接)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation import selectors_referral
from mediation.models import DisputeType, MediatorProfile, MediatorStatus, Organisation
from mediation.models.referrals import (
    ConsentAnswer,
    CourtDecision,
    Procedure,
    RecusalKind,
    ReferralKind,
)

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
    court_case_number = forms.CharField(
        label=_("The court's case number"),
        max_length=60,
        required=False,
        help_text=_("For an entrustment: the number the case was filed under."),
    )
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
    """Each party's answer (特邀调解规定 art 11): those who have not answered yet are
    listed; an answer left empty waits for the next round."""

    answered_on = forms.DateField(
        label=_("Answered on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.initial.setdefault("answered_on", timezone.localdate())
        self.parties = list(selectors_referral.parties_to_answer(case.referral))
        for party in self.parties:
            self.fields[f"answer_{party.pk}"] = forms.ChoiceField(
                label=_("Answer of %(party)s") % {"party": party},
                choices=[("", _("No answer yet")), *ConsentAnswer.choices],
                required=False,
            )
            self.fields[f"note_{party.pk}"] = forms.CharField(
                label=_("Note on %(name)s's answer") % {"name": party.person.name},
                required=False,
                help_text=_("Why they refused, or how they were contacted."),
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "answered_on": data["answered_on"],
            "answers": {p.pk: (data[f"answer_{p.pk}"], data[f"note_{p.pk}"]) for p in self.parties},
        }


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


class ResumeTrialForm(_TaskForm):
    """A returned entrustment: the trial goes on under the case number it was filed with."""

    court_case_number = forms.CharField(
        label=_("The court's case number"),
        max_length=60,
        help_text=_("The number the case was filed under; there is no new registration."),
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        self.initial.setdefault("court_case_number", case.referral.court_case_number)


class ShamDecision:
    RESUME = "resume"
    END = "end"
    choices = [
        (RESUME, _("Mediation resumes; the suspended days do not count")),
        (END, _("The court takes the case back")),
    ]


class CourtShamForm(_TaskForm):
    decision = forms.ChoiceField(
        label=_("The court's decision"), choices=ShamDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("The court's reasons"), widget=forms.Textarea)


# The mediator's and the centre's actions while mediation runs.


class ExtendForm(forms.Form):
    """An extension, with each party's agreement; refused unless every party agreed."""

    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    agreed_on = forms.DateField(
        label=_("The parties agreed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_note = forms.CharField(
        label=_("How the parties agreed"),
        required=False,
        help_text=_("For example: in writing, at the session of 3 September."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("agreed_on", timezone.localdate())
        self.parties = list(referral.case.parties.select_related("person"))
        for party in self.parties:
            self.fields[f"consent_{party.pk}"] = forms.BooleanField(
                label=_("%(party)s agrees") % {"party": party}, required=False
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "days": data["days"],
            "reason": data["reason"],
            "agreed_on": data["agreed_on"],
            "consent_note": data["consent_note"],
            "consenting": [p.pk for p in self.parties if data[f"consent_{p.pk}"]],
        }


class RecusalForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Why the mediator withdraws"),
        choices=RecusalKind.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("The relationship, the interest, or the party's request"), widget=forms.Textarea
    )
    consent = forms.FileField(
        label=_("Both parties' written consent to keep the mediator"),
        required=False,
        help_text=_(
            "Only for a declared conflict: with it the mediator stays; without it they withdraw."
        ),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)


class AppraisalForm(forms.Form):
    subject = forms.CharField(label=_("What is appraised"), max_length=200, required=False)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)


class ShamForm(forms.Form):
    note = forms.CharField(label=_("What suggests a sham mediation"), widget=forms.Textarea)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
