"""The forms of the closed loop's human steps."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case as Case_
from django.db.models import Q, Value, When
from django.utils.translation import gettext_lazy as _
from viewflow.forms import Layout

from mediation import access, selectors
from mediation.models import (
    Case,
    MediatorProfile,
    MediatorStatus,
    Membership,
    Organisation,
    OrgKind,
    Outcome,
    Role,
    Tier,
)
from mediation.models.cases import FINAL_STATUSES
from mediation.services_case import TIER_LEVEL, RatingInput
from mediation.widgets import CheckboxGroup


class Decision:
    ACCEPT = "accept"
    REJECT = "reject"
    MERGE = "merge"
    REDIRECT = "redirect"

    choices = [
        (ACCEPT, _("Accept")),
        (REJECT, _("Do not accept")),
        (MERGE, _("Merge into another case")),
        (REDIRECT, _("Send to another body")),
    ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", "—"), *Tier.choices], required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)
    into = forms.ModelChoiceField(
        label=_("Merge into"), queryset=Case.objects.none(), required=False
    )
    to_body = forms.CharField(label=_("Send to"), max_length=120, required=False)
    police = forms.BooleanField(
        label=_("May become a public-order or criminal case: report to the police (art 25)"),
        required=False,
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only into an open case the reviewer also runs or handles: a merge changes both.
        self.fields["into"].queryset = (
            access.cases_writable_by(user).exclude(pk=case.pk).exclude(status__in=FINAL_STATUSES)
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.ACCEPT and not data.get("tier"):
            self.add_error("tier", _("Choose a tier."))
        if data.get("decision") == Decision.MERGE and not data.get("into"):
            self.add_error("into", _("Choose the case to merge into."))
        return data


class MediatorChoiceField(forms.ModelChoiceField):
    """Mediators by name; those whose specialties cover the dispute are marked and first."""

    def __init__(self, *args, specialists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.specialists = set(specialists)

    def label_from_instance(self, user):
        name = user.get_full_name() or user.get_username()
        if user.pk in self.specialists:
            return _("%(name)s · specialist in this type of dispute") % {"name": name}
        return name


class DispatchForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Handling organisation"), queryset=Organisation.objects.none()
    )
    mediator = MediatorChoiceField(
        label=_("Mediator"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty to let anyone at the organisation take the case."),
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        centre = case.centre
        in_line = Organisation.objects.filter(
            Q(path__startswith=centre.path) | Q(path__in=centre.line())
        )
        self.fields["organisation"].queryset = in_line.filter(kind=TIER_LEVEL.get(case.tier))
        staff = Membership.objects.filter(organisation__in=in_line).values("user")
        roster = MediatorProfile.objects.filter(status=MediatorStatus.ACTIVE).values("user")
        specialists = [profile.user_id for profile in selectors.specialists_for(case)]
        field = self.fields["mediator"]
        field.specialists = set(specialists)
        field.queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=staff) | Q(pk__in=roster))
            .annotate(
                is_specialist=Case_(When(pk__in=specialists, then=Value(0)), default=Value(1))
            )
            .order_by("is_specialist", "username")
        )
        if case.is_priority and specialists:
            field.required = True
            field.help_text = _(
                "A party belongs to a special group (问诊): choose a specialist in this type of "
                "dispute."
            )


class StartMediationForm(forms.Form):
    note = forms.CharField(
        label=_("First contact with the parties"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For example: called both parties and arranged a first session."),
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)


class Step:
    OUTCOME = "outcome"
    ESCALATE = "escalate"
    JOINT = "joint"
    LEADER = "leader"

    choices = [
        (OUTCOME, _("Record the outcome")),
        (ESCALATE, _("Escalate one level up")),
        (JOINT, _("Summon departments for a joint consultation (会诊)")),
        (LEADER, _("Hand to a responsible leader (专诊, hard cases)")),
    ]


# The bodies a joint consultation may summon (吹哨): the departments posted at the centres.
SUMMONABLE_KINDS = (
    OrgKind.DEPARTMENT,
    OrgKind.POLICE_STATION,
    OrgKind.JUSTICE_OFFICE,
    OrgKind.JUSTICE_BUREAU,
    OrgKind.PETITION_BUREAU,
    OrgKind.COURT_MEDIATION_CENTRE,
)


class HandleForm(forms.Form):
    """The handler's next move: record the outcome, escalate, or call in a diagnosis."""

    step = forms.ChoiceField(
        label=_("Next step"), choices=Step.choices, widget=forms.RadioSelect, initial=Step.OUTCOME
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Outcome.choices if c[0]],
        widget=forms.RadioSelect,
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary of the work and its result"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reasons = forms.CharField(
        label=_("Reasons mediation ended without agreement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    other_routes = forms.CharField(
        label=_("Other routes the parties were told of"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For example: apply to the court, arbitration (人民调解法 art 26)."),
    )
    escalate_reason = forms.CharField(
        label=_("Why the case must go one level up"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments to summon"),
        queryset=Organisation.objects.filter(kind__in=SUMMONABLE_KINDS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    report_in_by = forms.DateField(
        label=_("Report in by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for three working days from today."),
    )
    joint_reason = forms.CharField(
        label=_("What the departments are asked"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    leader = forms.ModelChoiceField(
        label=_("Responsible leader"),
        queryset=get_user_model()
        .objects.filter(memberships__role=Role.RESPONSIBLE_LEADER)
        .distinct(),
        required=False,
    )

    layout = Layout(
        "step",
        "outcome",
        "summary",
        "reasons",
        "other_routes",
        "escalate_reason",
        CheckboxGroup("departments"),
        "report_in_by",
        "joint_reason",
        "leader",
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if case.tier != Tier.HARD:
            self.fields["step"].choices = [c for c in Step.choices if c[0] != Step.LEADER]
            del self.fields["leader"]
            self.layout = Layout(
                *[node for node in self.layout.children if node.field_name != "leader"]
            )

    def clean(self):
        data = super().clean()
        step = data.get("step")
        required = {
            Step.OUTCOME: ("outcome", "summary"),
            Step.ESCALATE: ("escalate_reason",),
            Step.JOINT: ("departments", "joint_reason"),
            Step.LEADER: ("leader",),
        }.get(step, ())
        for name in required:
            if not data.get(name):
                self.add_error(name, _("This field is required for the chosen step."))
        return data


class VerifyForm(forms.Form):
    checked = forms.BooleanField(
        label=_("I have checked the outcome with the parties and the case file is complete")
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)


class RateForm(forms.Form):
    """One row per party who has not rated yet: the stars, and a comment.

    A party not reached yet is left blank and rates later, until the window ends.
    """

    STARS = [("", _("Not reached yet"))] + [(n, str(n)) for n in range(5, 0, -1)]

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(selectors.case_parties_unrated(case))
        for party in self.parties:
            name = party.person.name
            self.fields[f"stars_{party.pk}"] = forms.TypedChoiceField(
                label=_("Stars from %(party)s") % {"party": name},
                coerce=int,
                empty_value=None,
                choices=self.STARS,
                required=False,
            )
            self.fields[f"comment_{party.pk}"] = forms.CharField(
                label=_("Comment from %(party)s") % {"party": name}, required=False
            )

    def clean(self):
        data = super().clean()
        for party in self.parties:
            if data.get(f"comment_{party.pk}") and data.get(f"stars_{party.pk}") is None:
                self.add_error(f"stars_{party.pk}", _("A comment needs the party's stars."))
        if not self.errors and not self.ratings():
            raise forms.ValidationError(_("Record the rating of at least one party."))
        return data

    def ratings(self) -> list:
        data = self.cleaned_data
        return [
            RatingInput(
                party=party,
                stars=data[f"stars_{party.pk}"],
                comment=data.get(f"comment_{party.pk}", ""),
            )
            for party in self.parties
            if data.get(f"stars_{party.pk}") is not None
        ]
