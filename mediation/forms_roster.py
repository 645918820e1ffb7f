"""The forms of the mediator roster."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from viewflow.forms import Layout, Row

from .models import DisputeType, MediatorStatus, Organisation, OrgKind, Role
from .models.roster import SanctionKind
from .services_roster import MEDIATOR_ORG_KINDS
from .widgets import CheckboxGroup


class DutyShiftForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=None)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = (
            get_user_model()
            .objects.filter(mediator_profile__status=MediatorStatus.ACTIVE)
            .order_by("pk")
        )
        self.fields["mediator"].label_from_instance = lambda u: u.get_full_name() or u.username


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sanction"),
        choices=SanctionKind.choices,
        help_text=_("A suspension or a removal takes the mediator off the duty rotation at once."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class MediatorProfileForm(forms.Form):
    """The public fields of a roster profile."""

    dispute_types = forms.MultipleChoiceField(
        label=_("Dispute types"),
        choices=DisputeType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The duty rotation offers the mediator cases of these types."),
    )
    specialties = forms.CharField(label=_("Specialties"), max_length=200, required=False)
    scope = forms.CharField(label=_("Scope of mediation"), max_length=200, required=False)
    charges_fee = forms.BooleanField(label=_("Charges a fee"), required=False)
    inviting_court = forms.ModelChoiceField(
        label=_("Inviting court"),
        queryset=Organisation.objects.filter(kind=OrgKind.COURT),
        required=False,
    )
    bio = forms.CharField(label=_("Profile"), required=False, widget=forms.Textarea)

    layout = Layout(
        CheckboxGroup("dispute_types"),
        Row("specialties", "scope"),
        Row("inviting_court", "charges_fee"),
        "bio",
    )


class MediatorRegisterForm(MediatorProfileForm):
    user = forms.ModelChoiceField(label=_("Mediator"), queryset=None)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(kind__in=MEDIATOR_ORG_KINDS),
    )

    layout = Layout(Row("user", "organisation"), *MediatorProfileForm.layout.children)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__role=Role.MEDIATOR, mediator_profile__isnull=True)
            .distinct()
            .order_by("pk")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
