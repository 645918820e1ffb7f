"""The forms of a case's mediation sessions."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.forms import Layout, Row

from .models import Case
from .models.sessions import NoticeChannel, RightsItem, SessionOutcome
from .widgets import CheckboxGroup


def _notice_field_name(party) -> str:
    return f"notice_{party.pk}"


class _WhenWhereForm(forms.Form):
    """A time and a place, and how each party of ``case`` is told of it."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), input_formats=["%H:%M"], widget=forms.TimeInput(attrs={"type": "time"})
    )
    online = forms.BooleanField(label=_("Online session"), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("The room, or the link of an online session."),
    )

    head: tuple = ()

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(case.parties.select_related("person"))
        for party in self.parties:
            self.fields[_notice_field_name(party)] = forms.ChoiceField(
                label=_("Notice to %(party)s") % {"party": party},
                choices=NoticeChannel.choices,
                initial=NoticeChannel.SMS if party.person.phone else NoticeChannel.IN_PERSON,
            )
        self.layout = Layout(
            *self.head,
            Row("date", "time"),
            Row("place", "online"),
            *self.tail(),
            *[_notice_field_name(p) for p in self.parties],
        )

    def tail(self) -> tuple:
        return ()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        scheduled_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
        return {
            "scheduled_at": scheduled_at,
            "place": data["place"],
            "online": data["online"],
            "notices": {p.pk: data[_notice_field_name(p)] for p in self.parties},
        }


class SessionScheduleForm(_WhenWhereForm):
    public = forms.BooleanField(
        label=_("Public session"),
        required=False,
        help_text=_("The parties may ask for a public or a private session (art 23)."),
    )

    def tail(self):
        return ("public",)

    def service_kwargs(self):
        return {**super().service_kwargs(), "public": self.cleaned_data["public"]}


class SessionPostponeForm(_WhenWhereForm):
    reason = forms.CharField(label=_("Reason for postponing"), widget=forms.Textarea)

    head = ("reason",)

    def service_kwargs(self):
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


class SessionCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea)


class RightsNoticeForm(forms.Form):
    """特邀调解规定 art 14: what the parties are told before mediation starts."""

    parties = forms.ModelMultipleChoiceField(
        label=_("Parties told"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    items = forms.MultipleChoiceField(
        label=_("They were told"),
        choices=RightsItem.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every item must be explained."),
    )
    channel = forms.ChoiceField(label=_("How"), choices=NoticeChannel.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)

    layout = Layout(CheckboxGroup("parties"), CheckboxGroup("items"), "channel", "note")

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = case.parties.select_related("person")
        self.fields["parties"].label_from_instance = lambda party: str(party)
        if not self.is_bound:
            self.initial["parties"] = [p.pk for p in case.parties.all()]


class SessionRecordForm(forms.Form):
    """The record of a held session (调解笔录): attendance, statements, outcome."""

    statements = forms.CharField(
        label=_("Record of the session"),
        widget=forms.Textarea,
        help_text=_("What was said and done; the points agreed and still in dispute."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=SessionOutcome.choices[1:])
    outcome_note = forms.CharField(
        label=_("Outcome details"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(case.parties.select_related("person"))
        rows = []
        for party in self.parties:
            self.fields[f"present_{party.pk}"] = forms.BooleanField(
                label=_("%(party)s attended") % {"party": party}, required=False
            )
            self.fields[f"statement_{party.pk}"] = forms.CharField(
                label=_("Statement of %(name)s") % {"name": party.person.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            rows += [f"present_{party.pk}", f"statement_{party.pk}"]
        self.layout = Layout(*rows, "statements", "outcome", "outcome_note")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "attendance": {
                p.pk: (data[f"present_{p.pk}"], data[f"statement_{p.pk}"]) for p in self.parties
            },
            "statements": data["statements"],
            "outcome": data["outcome"],
            "outcome_note": data["outcome_note"],
        }
