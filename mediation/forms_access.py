"""The director's forms for one-off shares of a case."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .forms import OrganisationChoiceField
from .models import Organisation


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class ShareGrantForm(forms.Form):
    """Share with one user or one organisation. The reason is checked by the service,
    whose refusal is shown on the form."""

    user = UserChoiceField(
        label=_("User"),
        required=False,
        queryset=get_user_model().objects.filter(memberships__isnull=False).distinct(),
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.all()
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this user or organisation needs to see the case. It is audited."),
    )


class ShareRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
