"""The forms of the mediator roster."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import MediatorStatus
from .models.roster import SanctionKind


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
