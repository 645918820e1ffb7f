"""The open API's inputs and outputs for cases and their parties.

Inputs are strict (``StrictSerializer``: unknown fields are refused) and check each
value with the validators the staff forms and the services use (``mediation.validators``);
the rules across fields stay in the services. Outputs carry no ID or phone numbers:
personal data never leaves through the API.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mediation import services, validators

# The staff forms' check: normalised, then validated if given. DRF answers the Django
# ValidationError a ``validate_<field>`` raises by the field, with the validator's code.
from mediation.forms import checked_value
from mediation.models import (
    Case,
    CaseParty,
    DisputeType,
    Organisation,
    PartyRole,
    PersonKind,
    SpecialGroup,
    Tier,
)
from mediation.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

from .base import StrictSerializer
from .services import INTAKE_CHANNELS

# Parties of one case, as the staff intake form allows.
MIN_PARTIES, MAX_PARTIES = 2, 20


def max_amount() -> Decimal:
    return Decimal(settings.MEDIATION["MAX_AMOUNT"])


def amount_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        required=False,
        allow_null=True,
        coerce_to_string=True,
        help_text=_("Amount in dispute in yuan, 0 to %(max)s, at most two decimals.")
        % {"max": f"{max_amount():,}"},
        **kwargs,
    )


def validate_amount(value: Decimal | None) -> Decimal | None:
    """``mediation.validators.validate_amount``, the staff intake's check."""
    validators.validate_amount(value)
    return value


class AgentInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    relation = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")

    def validate_phone(self, value):
        return checked_value(value, normalize_phone, validate_phone)


class PartyInput(StrictSerializer):
    """One party: a natural person with a resident ID number, or a legal person with a
    unified social credit code; an applicant needs a phone number (the services' rule)."""

    role = serializers.ChoiceField(choices=PartyRole.choices)
    kind = serializers.ChoiceField(choices=PersonKind.choices, default=PersonKind.NATURAL)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    credit_code = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    special_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialGroup.choices),
        required=False,
        default=list,
        max_length=len(SpecialGroup.choices),
    )
    agent = AgentInput(required=False, allow_null=True, default=None)

    def validate_id_number(self, value):
        return checked_value(value, normalize_id_number, validate_id_number)

    def validate_credit_code(self, value):
        return checked_value(value, normalize_credit_code, validate_credit_code)

    def validate_phone(self, value):
        return checked_value(value, normalize_phone, validate_phone)

    @staticmethod
    def to_service(data: dict) -> services.PartyInput:
        agent = data.get("agent")
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
            agent=(
                services.PersonInput(
                    kind=PersonKind.NATURAL, name=agent["name"], phone=agent["phone"]
                )
                if agent
                else None
            ),
            agent_relation=agent["relation"] if agent else "",
        )


def parties_field() -> serializers.ListField:
    return serializers.ListField(child=PartyInput(), min_length=MIN_PARTIES, max_length=MAX_PARTIES)


class OrganisationCodeField(serializers.SlugRelatedField):
    """An organisation named by its code (``jk-th``): a value that cannot be a code is
    not looked up (a database refuses some characters outright)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not CODE_RE.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:60])
        return super().to_internal_value(data)


CODE_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def organisation_field(queryset, **kwargs) -> OrganisationCodeField:
    """An organisation named by its code (``jk-th``), among ``queryset``."""
    return OrganisationCodeField(slug_field="code", queryset=queryset, **kwargs)


INTAKE_CHANNEL_CHOICES = [(c.value, c.label) for c in INTAKE_CHANNELS]


class CaseIntakeInput(StrictSerializer):
    """A case reported by another system (发现上报), as the staff intake form takes it."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    channel = serializers.ChoiceField(
        choices=INTAKE_CHANNEL_CHOICES,
        required=False,
        help_text=_("By default the token's channel (the 12345 hotline's token: the hotline)."),
    )
    tier = serializers.ChoiceField(choices=Tier.choices, required=False, default="")
    amount = amount_field()
    handling_org = organisation_field(Organisation.objects.none())
    grid = organisation_field(Organisation.objects.none(), required=False, allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    parties = parties_field()

    def __init__(self, *args, handling_orgs=None, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if handling_orgs is not None:
            self.fields["handling_org"].queryset = handling_orgs
        if grids is not None:
            self.fields["grid"].queryset = grids

    def validate_amount(self, value):
        return validate_amount(value)


class OrganisationOutput(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind"]


class PartyOutput(serializers.ModelSerializer):
    """A party's name and role only: no ID or phone number leaves through the API."""

    name = serializers.CharField(source="person.name")
    kind = serializers.CharField(source="person.kind")

    class Meta:
        model = CaseParty
        fields = ["role", "kind", "name"]


class CaseSummary(serializers.ModelSerializer):
    """A case in a list, and the answer to an intake."""

    handling_org = OrganisationOutput()
    status_display = serializers.CharField(source="get_status_display")
    is_overdue = serializers.BooleanField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "channel",
            "dispute_type",
            "tier",
            "status",
            "status_display",
            "outcome",
            "is_priority",
            "handling_org",
            "reported_at",
            "due_at",
            "is_overdue",
        ]


class CaseDetail(CaseSummary):
    """One case as the caller's organisation sees it. A referring body (the limited
    view of ``mediation.access``) gets the status, deadlines and outcome, not the
    description."""

    description = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    parties = PartyOutput(many=True)
    view = serializers.SerializerMethodField()

    class Meta(CaseSummary.Meta):
        fields = [
            *CaseSummary.Meta.fields,
            "description",
            "amount",
            "location",
            "accepted_at",
            "closed_at",
            "parties",
            "view",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_description(self, case):
        return case.description if self.context["full"] else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_location(self, case):
        return case.location if self.context["full"] else None

    @extend_schema_field(serializers.ChoiceField(choices=["full", "limited"]))
    def get_view(self, case):
        return "full" if self.context["full"] else "limited"
