"""The staff pages' forms: the case list filter and the intake form with its parties.

Forms check the shape of each field with the same validators the services use; the
rules that span fields and rows (roles, kinds, who needs a phone) stay in the service,
and the intake view puts its errors back onto these fields.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from viewflow.forms import Layout, Row, Span

from . import selectors, services
from .models import (
    CaseParty,
    CaseStatus,
    Channel,
    DisputeType,
    Organisation,
    PartyRole,
    PersonKind,
    SpecialGroup,
    Tier,
)
from .validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)
from .widgets import CheckboxGroup

BLANK = ("", "---------")


def add_service_errors(form, exc: ValidationError, field_for=None) -> None:
    """Show a service's refusal on ``form``: each message next to its field where the
    form has one, else above the form. ``field_for(key)`` names the form's field for a
    service's error key when the two differ."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages_ in errors.items():
        field = field_for(key) if field_for and key else key
        form.add_error(field if field in form.fields else None, messages_)


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations in tree order, indented by their depth."""

    def label_from_instance(self, obj):
        return f"{'　' * max(obj.depth - 1, 0)}{obj.name}"


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Case number or party name")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CaseStatus.choices]
    )
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("All")), *Tier.choices]
    )
    dispute_type = forms.ChoiceField(
        label=_("Dispute type"), required=False, choices=[("", _("All")), *DisputeType.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_visible_to(user)

    def filters(self) -> selectors.CaseFilters:
        """The valid part of the query; a field with a bad value filters nothing."""
        self.is_valid()
        data = self.cleaned_data
        return selectors.CaseFilters(
            status=data.get("status", ""),
            tier=data.get("tier", ""),
            dispute_type=data.get("dispute_type", ""),
            channel=data.get("channel", ""),
            organisation=data.get("organisation"),
            overdue=data.get("overdue", False),
            q=data.get("q", ""),
        )

    @property
    def is_filtered(self) -> bool:
        return any(value for value in self.filters().__dict__.values())


class CaseIntakeForm(forms.Form):
    intake_token = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Summary"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    dispute_type = forms.ChoiceField(label=_("Dispute type"), choices=[BLANK, *DisputeType.choices])
    channel = forms.ChoiceField(label=_("Channel"), choices=[BLANK, *Channel.choices])
    tier = forms.ChoiceField(
        label=_("Tier"),
        required=False,
        choices=[("", _("Not assessed yet")), *Tier.choices],
        help_text=_("The tier sets the handling deadline."),
    )
    amount = forms.DecimalField(
        label=_("Amount in dispute (yuan)"),
        required=False,
        help_text=_("Leave empty if the dispute is not about money."),
    )
    handling_org = OrganisationChoiceField(
        label=_("Handling organisation"), queryset=Organisation.objects.none()
    )
    grid = OrganisationChoiceField(
        label=_("Grid"), required=False, queryset=Organisation.objects.none()
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=200)

    layout = Layout(
        "title",
        "description",
        Row("dispute_type", "channel", "tier"),
        Row("handling_org", "grid"),
        Row("amount", Span("location", desktop=8)),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].queryset = selectors.intake_organisations(user)
        self.fields["grid"].queryset = selectors.intake_grids(user)

    def case_fields(self) -> dict:
        """The keyword arguments of ``services.case_report`` that this form holds."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "dispute_type": data["dispute_type"],
            "channel": data["channel"],
            "tier": data["tier"],
            "amount": data["amount"],
            "handling_org": data["handling_org"],
            "grid": data["grid"],
            "location": data["location"],
            "intake_token": data["intake_token"],
        }


def checked_value(value: str, normalize, validate) -> str:
    value = normalize(value)
    if value:
        validate(value)
    return value


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[BLANK, *PartyRole.choices])
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PersonKind.choices, initial=PersonKind.NATURAL
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = forms.CharField(label=_("Resident ID number"), required=False, max_length=30)
    credit_code = forms.CharField(label=_("Credit code"), required=False, max_length=30)
    legal_representative = forms.CharField(
        label=_("Legal representative"), required=False, max_length=50
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    special_groups = forms.MultipleChoiceField(
        label=_("Special groups"),
        required=False,
        choices=SpecialGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    agent_name = forms.CharField(label=_("Agent's name"), required=False, max_length=100)
    agent_phone = forms.CharField(label=_("Agent's phone"), required=False, max_length=30)
    agent_relation = forms.CharField(label=_("Agent's relation"), required=False, max_length=50)

    layout = Layout(
        Row("role", "kind", "name"),
        Row("id_number", "credit_code", "legal_representative"),
        Row("phone", Span("address", desktop=8)),
        CheckboxGroup("special_groups"),
        Row("agent_name", "agent_phone", "agent_relation"),
    )

    def clean_id_number(self):
        return checked_value(
            self.cleaned_data["id_number"], normalize_id_number, validate_id_number
        )

    def clean_credit_code(self):
        return checked_value(
            self.cleaned_data["credit_code"], normalize_credit_code, validate_credit_code
        )

    def clean_phone(self):
        return checked_value(self.cleaned_data["phone"], normalize_phone, validate_phone)

    def clean_agent_phone(self):
        return checked_value(self.cleaned_data["agent_phone"], normalize_phone, validate_phone)

    def clean(self):
        data = super().clean()
        if not data.get("agent_name", "").strip() and (
            data.get("agent_phone") or data.get("agent_relation", "").strip()
        ):
            self.add_error("agent_name", _("Enter the agent's name."))
        return data

    def party_input(self) -> services.PartyInput:
        data = self.cleaned_data
        agent = None
        if data["agent_name"].strip():
            agent = services.PersonInput(
                kind=PersonKind.NATURAL, name=data["agent_name"], phone=data["agent_phone"]
            )
        return services.PartyInput(
            role=data["role"],
            person=services.PersonInput(
                kind=data["kind"],
                name=data["name"],
                id_number=data["id_number"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                phone=data["phone"],
                address=data["address"],
                special_groups=tuple(data["special_groups"]),
            ),
            agent=agent,
            agent_relation=data["agent_relation"] if agent else "",
        )


class BasePartyFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[PartyForm]:
        """The rows that hold a party; an added row left empty is ignored."""
        return [form for form in self.forms if form.cleaned_data]


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=0, min_num=2, max_num=20, validate_max=True
)


class HomeVisitForm(forms.Form):
    """A visit to a party at home (上门问诊)."""

    party = forms.ModelChoiceField(label=_("Party"), queryset=CaseParty.objects.none())
    visit_on = forms.DateField(label=_("Visit on"), widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label=_("Address"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("For example: hear the elderly party's account at home."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = case.parties.select_related("person")
        self.fields["party"].label_from_instance = lambda party: str(party)
        first = case.parties.select_related("person").filter(person__address__gt="").first()
        if first is not None and not self.is_bound:
            self.initial.setdefault("party", first.pk)
            self.initial.setdefault("address", first.person.address)
