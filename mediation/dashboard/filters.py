"""The dashboard's filters: a period of report dates and an organisation subtree."""

import dataclasses
import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation import deadlines, selectors
from mediation.forms import OrganisationChoiceField
from mediation.models import Organisation

# The longest period one view covers.
MAX_DAYS = 366 * 5


@dataclasses.dataclass(frozen=True)
class Period:
    """The cases reported from ``start`` to ``end`` (both days included), handled at or
    below ``organisation`` (any organisation the user sees when None)."""

    start: datetime.date
    end: datetime.date
    organisation: Organisation | None = None

    def reported(self) -> Q:
        """Report times within the period's days, in the platform's time zone."""
        return Q(
            reported_at__gte=deadlines.start_of_day(self.start),
            reported_at__lt=deadlines.end_of_day(self.end),
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> dict[str, str]:
        """The period as the filter form's query parameters."""
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.organisation is not None:
            query["organisation"] = str(self.organisation.pk)
        return query


def default_period(today: datetime.date | None = None) -> Period:
    """This year up to today."""
    today = today or timezone.localdate()
    return Period(start=today.replace(month=1, day=1), end=today)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=_("Reported from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Reported until"), required=False, widget=DateInput())
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All I may see"),
    )

    def __init__(self, data=None, *, user, today: datetime.date | None = None):
        self.default = default_period(today)
        super().__init__(data or None, initial=self.default.query())
        # Only the organisations at or below the user's posts: another subtree would
        # show nothing anyway, and its name is not theirs to list.
        self.fields["organisation"].queryset = selectors.organisations_visible_to(user)

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default.start
        end = data.get("end") or self.default.end
        if start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        elif (end - start).days >= MAX_DAYS:
            self.add_error(
                "start", _("A period can be at most five years long; choose a shorter one.")
            )
        return data

    def period(self) -> Period:
        """The valid filters; the default period when the dates are not valid."""
        if not self.is_bound:
            return self.default
        if not self.is_valid():
            organisation = self.cleaned_data.get("organisation")
            return dataclasses.replace(self.default, organisation=organisation)
        data = self.cleaned_data
        return Period(
            start=data.get("start") or self.default.start,
            end=data.get("end") or self.default.end,
            organisation=data.get("organisation"),
        )

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.period() != self.default
