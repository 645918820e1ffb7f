"""The open API's case endpoints: the list (the staff list's rules, filters and page
size), one case, and the intake of a case from the 12345 hotline or another system."""

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.response import Response

from mediation import access, selectors, services
from mediation.forms import CaseFilterForm
from mediation.models import CaseStatus, Channel, DisputeType, Organisation, OrgKind, Tier
from mediation.selectors_handoffs import receiving_centres

from .base import MAX_ID, ApiView, IdempotentCreate
from .serializers import CaseDetail, CaseIntakeInput, CaseSummary, PartyInput

FILTERS = ("q", "status", "tier", "dispute_type", "channel", "organisation", "overdue")
FILTER_PARAMETERS = [
    OpenApiParameter(
        "q", {"type": "string", "maxLength": 100}, description="Case number or party name"
    ),
    OpenApiParameter("status", str, enum=CaseStatus.values),
    OpenApiParameter("tier", str, enum=Tier.values),
    OpenApiParameter("dispute_type", str, enum=DisputeType.values),
    OpenApiParameter("channel", str, enum=Channel.values),
    OpenApiParameter("organisation", int, description="Id of a handling organisation; its subtree"),
    OpenApiParameter("overdue", bool),
]


@extend_schema_view(
    get=extend_schema(
        summary="Cases the caller's organisation sees",
        parameters=FILTER_PARAMETERS,
        responses=CaseSummary(many=True),
    ),
    post=extend_schema(
        summary="Report a case (intake from the 12345 hotline or another system)",
        request=CaseIntakeInput,
        responses={201: CaseSummary},
    ),
)
class CaseListView(IdempotentCreate, ApiView):
    """The cases the caller's organisation sees, filtered and paged as the staff case
    list is; and a new case reported by the caller's system."""

    query_fields = FILTERS

    def get(self, request):
        organisation = request.query_params.get("organisation", "")
        if organisation and not (organisation.isdigit() and int(organisation) <= MAX_ID):
            raise exceptions.ValidationError(
                {"organisation": [_("Give the organisation by its id.")]}
            )
        form = CaseFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            # Answered by field, with the form's codes (``errors.service_refusal``).
            raise ValidationError(form.errors.as_data())
        cases = selectors.case_list(user=request.user, filters=form.filters())
        return self.paginated(cases, CaseSummary)

    def create(self, request):
        user = request.user
        if not selectors.user_may_register(user):
            raise exceptions.PermissionDenied()
        data = self.checked(
            CaseIntakeInput(
                data=request.data,
                handling_orgs=(
                    selectors.intake_organisations(user) | receiving_centres()
                ).distinct(),
                grids=Organisation.objects.filter(kind=OrgKind.GRID),
            )
        )
        case = services.case_report(
            actor=user,
            handling_org=data["handling_org"],
            title=data["title"],
            description=data["description"],
            dispute_type=data["dispute_type"],
            channel=data.get("channel") or request.auth.channel,
            tier=data["tier"],
            amount=data.get("amount"),
            grid=data.get("grid"),
            location=data["location"],
            parties=[PartyInput.to_service(party) for party in data["parties"]],
        )
        return Response(CaseSummary(case).data, status=status.HTTP_201_CREATED)


@extend_schema(summary="One case, as the caller's organisation sees it", responses=CaseDetail)
class CaseDetailView(ApiView):
    """One case: the full view, or a referring body's limited one (``mediation.access``)."""

    def get(self, request, pk):
        case_access = access.case_access(request.user, pk)
        prefetch_related_objects([case_access.case], "parties__person")
        return Response(CaseDetail(case_access.case, context={"full": case_access.full}).data)
