"""The open API's referral endpoints (``mediation.api`` finds this module when it loads):
the court's (``open_api_court``), the police station's 110 referrals (公调对接) and the
petition bureau's transfers (访调对接).

Each create takes the staff page's path: the police's ``police.refer_110_call`` and the
bureau's ``petition.transfer_petition`` make the case and the referral and start the
referral's clock in one transaction. The token's service user is an officer of the
station or petition staff of the bureau, so the services' own checks apply.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from mediation import access
from mediation.api.base import ApiView, IdempotentCreate, StrictSerializer
from mediation.api.extensions import register_routes
from mediation.api.serializers import PartyInput, organisation_field, parties_field
from mediation.models import DisputeType
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.selectors_handoffs import receiving_centres, user_bureaus, user_stations

from . import open_api_court as court
from .petition import transfer_petition
from .police import refer_110_call

# Dates before this are typing errors, and out of range once moved to UTC.
EARLIEST_YEAR = 1900


class PoliceReferralInput(StrictSerializer):
    """A 110 call that is not a police matter, as the officer's referral page takes it."""

    centre = organisation_field(receiving_centres())
    title = serializers.CharField(max_length=200)
    account = serializers.CharField(max_length=5000)
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    location = serializers.CharField(max_length=200)
    incident_at = serializers.DateTimeField()
    parties = parties_field()

    def validate_incident_at(self, value):
        if value.year < EARLIEST_YEAR:
            raise serializers.ValidationError(
                _("Give a date after %(year)s.") % {"year": EARLIEST_YEAR}, code="too_early"
            )
        return value


class PetitionReferralInput(StrictSerializer):
    """A registered civil petition, as the bureau's transfer page takes it."""

    centre = organisation_field(receiving_centres())
    petition_number = serializers.CharField(max_length=40)
    registered_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    consent = serializers.BooleanField()
    consented_by = serializers.CharField(max_length=200)
    parties = parties_field()


class _ReferredCase(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    case_status = serializers.CharField(source="case.status")
    case_status_display = serializers.CharField(source="case.get_status_display")
    case_outcome = serializers.CharField(source="case.outcome")
    case_closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    centre = serializers.CharField(source="case.centre.code")


class PoliceReferralOutput(_ReferredCase):
    station = serializers.CharField(source="station.code")

    class Meta:
        model = PoliceReferral
        fields = [
            "id",
            "case",
            "case_number",
            "case_status",
            "case_status_display",
            "case_outcome",
            "case_closed_at",
            "centre",
            "station",
            "incident_at",
            "referred_at",
            "accept_by",
            "accepted_at",
            "late_at",
            "handed_back_at",
            "hand_back_reason",
        ]


class PetitionReferralOutput(_ReferredCase):
    bureau = serializers.CharField(source="bureau.code")

    class Meta:
        model = PetitionReferral
        fields = [
            "id",
            "case",
            "case_number",
            "case_status",
            "case_status_display",
            "case_outcome",
            "case_closed_at",
            "centre",
            "bureau",
            "petition_number",
            "registered_on",
            "transferred_on",
            "objection_by",
            "objected_at",
            "objection_reason",
            "handle_by",
            "extended_days",
            "result",
            "result_recorded_at",
        ]


class _ReferralList(IdempotentCreate, ApiView):
    model = None
    output_class = None
    related = ()
    order = ()

    def get(self, request):
        referrals = access.referrals_visible_to(request.user, self.model)
        referrals = referrals.select_related(*self.related).order_by(*self.order)
        return self.paginated(referrals, self.output_class)

    def refuse(self, message: str, code: str):
        raise exceptions.PermissionDenied(message, code=code)

    def created(self, referral) -> Response:
        referral = self.model.objects.select_related(*self.related).get(pk=referral.pk)
        return Response(self.output_class(referral).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Police referrals the caller's organisation sees",
        responses=PoliceReferralOutput(many=True),
    ),
    post=extend_schema(
        summary="Refer a 110 call that is not a police matter to a centre",
        request=PoliceReferralInput,
        responses={201: PoliceReferralOutput},
    ),
)
class PoliceReferralListView(_ReferralList):
    """The police referrals whose cases the caller sees; and a new one from a station."""

    model = PoliceReferral
    output_class = PoliceReferralOutput
    related = ("case", "case__centre", "station")
    order = ("-referred_at", "-id")

    def create(self, request):
        user, station = request.user, request.auth.organisation
        if not user_stations(user).filter(pk=station.pk).exists():
            self.refuse(_("Only a police station's token may refer a 110 call."), "not_a_station")
        data = self.checked(PoliceReferralInput(data=request.data))
        referral = refer_110_call(
            officer=user,
            station=station,
            centre=data["centre"],
            title=data["title"],
            account=data["account"],
            dispute_type=data["dispute_type"],
            location=data["location"],
            incident_at=data["incident_at"],
            parties=[PartyInput.to_service(party) for party in data["parties"]],
        )
        return self.created(referral)


@extend_schema_view(
    get=extend_schema(
        summary="Petition referrals the caller's organisation sees",
        responses=PetitionReferralOutput(many=True),
    ),
    post=extend_schema(
        summary="Transfer a registered civil petition to a centre",
        request=PetitionReferralInput,
        responses={201: PetitionReferralOutput},
    ),
)
class PetitionReferralListView(_ReferralList):
    """The petition referrals whose cases the caller sees; and a new one from a bureau."""

    model = PetitionReferral
    output_class = PetitionReferralOutput
    related = ("case", "case__centre", "bureau")
    order = ("-transferred_on", "-id")

    def create(self, request):
        user, bureau = request.user, request.auth.organisation
        if not user_bureaus(user).filter(pk=bureau.pk).exists():
            self.refuse(
                _("Only a petition bureau's token may transfer a petition."), "not_a_bureau"
            )
        data = self.checked(PetitionReferralInput(data=request.data))
        referral = transfer_petition(
            staff=user,
            bureau=bureau,
            centre=data["centre"],
            petition_number=data["petition_number"],
            registered_on=data["registered_on"],
            title=data["title"],
            description=data["description"],
            dispute_type=data["dispute_type"],
            parties=[PartyInput.to_service(party) for party in data["parties"]],
            consent=data["consent"],
            consented_by=data["consented_by"],
        )
        return self.created(referral)


class _ReferralDetail(ApiView):
    model = None
    output_class = None
    related = ()

    def get(self, request, pk):
        # 404 unless the caller sees the referral's case, as for one that does not exist.
        referral, _seen = access.referral_access(request.user, pk, self.model, self.related)
        return Response(self.output_class(referral).data)


@extend_schema(summary="A police referral's status", responses=PoliceReferralOutput)
class PoliceReferralDetailView(_ReferralDetail):
    """A police referral's status: its acceptance, a hand-back, the case's outcome."""

    model = PoliceReferral
    output_class = PoliceReferralOutput
    related = ("station",)  # the case and its centre: read by access.referral_access


@extend_schema(summary="A petition referral's status", responses=PetitionReferralOutput)
class PetitionReferralDetailView(_ReferralDetail):
    """A petition referral's status: its clocks, an objection, the result sent back."""

    model = PetitionReferral
    output_class = PetitionReferralOutput
    related = ("bureau",)  # the case and its centre: read by access.referral_access


register_routes(
    [
        path("court-referrals/", court.CourtReferralListView.as_view(), name="court_referrals"),
        path(
            "court-referrals/<int:pk>/",
            court.CourtReferralDetailView.as_view(),
            name="court_referral",
        ),
        path(
            "court-referrals/<int:pk>/decision/",
            court.CourtDecisionView.as_view(),
            name="court_referral_decision",
        ),
        path(
            "court-referrals/<int:pk>/registration/",
            court.CourtRegistrationView.as_view(),
            name="court_referral_registration",
        ),
        path("police-referrals/", PoliceReferralListView.as_view(), name="police_referrals"),
        path(
            "police-referrals/<int:pk>/",
            PoliceReferralDetailView.as_view(),
            name="police_referral",
        ),
        path("petition-referrals/", PetitionReferralListView.as_view(), name="petition_referrals"),
        path(
            "petition-referrals/<int:pk>/",
            PetitionReferralDetailView.as_view(),
            name="petition_referral",
        ),
    ]
)
