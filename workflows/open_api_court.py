"""The open API's court referral (诉调对接) endpoints, for a court's system.

A referral made here takes the staff page's path: ``referral_create`` and the flow's
start (``court.start_referral``), in one transaction. The court's later entries are the
flow's own court steps (the decision on judicial confirmation, the registration 立案
or the resumed trial), performed as a page performs them (``driving.task_perform``:
the task claimed, the service called and the task finished under the flow's lock), by
the token's service user, a clerk of the court, under the step's own rule.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from viewflow.workflow.exceptions import FlowLockFailed

from mediation import selectors_handoffs, selectors_referral, services_referral
from mediation.api.base import ApiView, Conflict, IdempotentCreate, StrictSerializer
from mediation.api.serializers import (
    PartyInput,
    amount_field,
    organisation_field,
    parties_field,
    validate_amount,
)
from mediation.models import DisputeType
from mediation.models.referrals import (
    CourtDecision,
    Procedure,
    Referral,
    ReferralKind,
    ReferralStatus,
)

from . import driving
from .court import CourtReferralFlow, start_referral
from .court_pages import referral_access

# The court's own steps, by the name the API gives them.
COURT_STEPS = {
    "decision": (CourtReferralFlow.court_decides,),
    "registration": (CourtReferralFlow.register, CourtReferralFlow.resume_trial),
}


class ReferralInput(StrictSerializer):
    """A delegation (委派, before filing) or an entrustment (委托, after filing, with its
    procedure and the court's case number), as the clerk's referral page takes it."""

    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    procedure = serializers.ChoiceField(
        choices=Procedure.choices, required=False, allow_blank=True, default=""
    )
    court_case_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    centre = organisation_field(selectors_handoffs.receiving_centres())
    title = serializers.CharField(max_length=200)
    claim = serializers.CharField(max_length=5000)
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    amount = amount_field()
    one_party_application = serializers.BooleanField(required=False, default=False)
    parties = parties_field()

    def validate_amount(self, value):
        return validate_amount(value)


class ReferralFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)


class DecisionInput(StrictSerializer):
    decision = serializers.ChoiceField(
        choices=[
            (d.value, d.label)
            for d in (CourtDecision.ACCEPTED, CourtDecision.CONFIRMED, CourtDecision.REJECTED)
        ]
    )


class RegistrationInput(StrictSerializer):
    court_case_number = serializers.CharField(max_length=60)


class ReferralOutput(serializers.ModelSerializer):
    """The referral's status and outcome, as the court's own list shows them."""

    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    case_status = serializers.CharField(source="case.status")
    case_outcome = serializers.CharField(source="case.outcome")
    court = serializers.CharField(source="court.code")
    centre = serializers.CharField(source="centre.code")
    status_display = serializers.CharField(source="get_status_display")
    awaiting_court = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_number",
            "case_status",
            "case_outcome",
            "court",
            "centre",
            "kind",
            "procedure",
            "status",
            "status_display",
            "created_at",
            "returned_at",
            "return_reason",
            "clock_started_on",
            "due_on",
            "agreed_on",
            "confirmation_applied_on",
            "court_decision",
            "court_decided_at",
            "termination_reasons",
            "undisputed_facts",
            "court_case_number",
            "registered_at",
            "trial_resumed_at",
            "awaiting_court",
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(COURT_STEPS)))
    )
    def get_awaiting_court(self, referral) -> list[str]:
        """The court's steps now open on the referral: ``decision``, ``registration``."""
        open_nodes = set(self.context.get("open_nodes", {}).get(referral.pk, ()))
        return [name for name, nodes in COURT_STEPS.items() if open_nodes & set(nodes)]


def open_court_nodes(referrals) -> dict[int, set]:
    """For each referral, the court's steps (nodes) open in its flow now."""
    tasks = CourtReferralFlow.task_class.objects.filter(
        process__referralprocess__referral__in=[r.pk for r in referrals],
        status__in=driving.OPEN,
        flow_task__in=[node for step in COURT_STEPS.values() for node in step],
    ).values_list("process__referralprocess__referral", "flow_task")
    found: dict[int, set] = {}
    for referral_pk, node in tasks:
        found.setdefault(referral_pk, set()).add(node)
    return found


def court_context(referrals) -> dict:
    """What ``ReferralOutput`` reads for all ``referrals`` at once: the steps open."""
    return {"open_nodes": open_court_nodes(referrals)}


def referral_data(referral) -> dict:
    return ReferralOutput(referral, context=court_context([referral])).data


_LISTED = ("case", "court", "centre")


@extend_schema_view(
    get=extend_schema(
        summary="Court referrals the caller's organisation sees",
        parameters=[OpenApiParameter("status", str, enum=ReferralStatus.values)],
        responses=ReferralOutput(many=True),
    ),
    post=extend_schema(
        summary="Refer a dispute to a centre: delegation (委派) or entrustment (委托)",
        request=ReferralInput,
        responses={201: ReferralOutput},
    ),
)
class CourtReferralListView(IdempotentCreate, ApiView):
    """The court referrals whose cases the caller sees; and a new referral from a court."""

    query_fields = ("status",)

    def get(self, request):
        referrals = selectors_referral.referrals_visible_to(request.user)
        if wanted := self.checked(ReferralFilter(data=request.query_params)).get("status"):
            referrals = referrals.filter(status=wanted)
        return self.paginated(
            referrals.order_by("-created_at", "-id"), ReferralOutput, context=court_context
        )

    def create(self, request):
        user, court = request.user, request.auth.organisation
        if not selectors_referral.user_may_refer(user, court):
            raise exceptions.PermissionDenied(
                _("Only a court's token may send a court referral."), code="not_a_court"
            )
        data = self.checked(ReferralInput(data=request.data))
        with transaction.atomic():
            referral = services_referral.referral_create(
                actor=user,
                court=court,
                centre=data["centre"],
                kind=data["kind"],
                procedure=data["procedure"],
                title=data["title"],
                claim=data["claim"],
                dispute_type=data["dispute_type"],
                parties=[PartyInput.to_service(party) for party in data["parties"]],
                one_party_application=data["one_party_application"],
                amount=data.get("amount"),
                court_case_number=data["court_case_number"],
            )
            # The staff page's next call: the referral's flow starts with it.
            start_referral(referral)
        return Response(referral_data(referral), status=status.HTTP_201_CREATED)


@extend_schema(summary="A court referral's status and outcome", responses=ReferralOutput)
class CourtReferralDetailView(ApiView):
    """A referral's status and outcome, for those who see its case."""

    def get(self, request, pk):
        referral, _case_access = referral_access(request.user, pk)
        return Response(referral_data(referral))


class CourtStepView(IdempotentCreate, ApiView):
    """One of the court's steps on a referral, performed as its task page performs it."""

    step = ""
    input_class = None

    def create(self, request, pk):
        referral, _case_access = referral_access(request.user, pk)
        data = self.checked(self.input_class(data=request.data))
        user = request.user
        if not selectors_referral.user_is_court_staff(user, referral):
            raise exceptions.PermissionDenied(
                _("Only the referring court records this."), code="not_the_court"
            )
        task = (
            CourtReferralFlow.task_class.objects.filter(
                process__referralprocess__referral=referral,
                status__in=driving.OPEN,
                flow_task__in=COURT_STEPS[self.step],
            )
            .order_by("pk")
            .first()
        )
        if task is None:
            raise Conflict(
                _("The referral is not waiting for this from the court (it is “%(status)s”).")
                % {"status": referral.get_status_display()},
                code="step_not_open",
            )

        def check(locked):
            if locked.owner_id not in (None, user.pk) or not locked.flow_task.may(user, locked):
                raise Conflict(
                    _("Someone else at the court has taken this step."), code="step_taken"
                )

        try:
            driving.task_perform(task, user, lambda: self.perform(referral, user, data), check)
        except FlowLockFailed:
            raise Conflict(
                _("Someone else is working on this referral right now; try again shortly."),
                code="busy",
            ) from None
        referral = Referral.objects.select_related(*_LISTED).get(pk=referral.pk)
        return Response(referral_data(referral))


@extend_schema(
    summary="Record the court's decision on judicial confirmation",
    description="Accepted, then confirmed or refused: the flow's court_decides step.",
    request=DecisionInput,
    responses={200: ReferralOutput},
)
class CourtDecisionView(CourtStepView):
    step = "decision"
    input_class = DecisionInput

    def perform(self, referral, user, data):
        return services_referral.referral_court_decide(
            referral=referral, actor=user, decision=data["decision"]
        )


@extend_schema(
    summary="Record the court's case number: registration (立案) or the resumed trial",
    description="A returned delegation is registered; a returned entrustment resumes its trial.",
    request=RegistrationInput,
    responses={200: ReferralOutput},
)
class CourtRegistrationView(CourtStepView):
    step = "registration"
    input_class = RegistrationInput

    def perform(self, referral, user, data):
        number = data["court_case_number"]
        if referral.kind == ReferralKind.ENTRUSTMENT:
            return services_referral.referral_trial_resume(
                referral=referral, actor=user, court_case_number=number
            )
        return services_referral.referral_register(
            referral=referral, actor=user, court_case_number=number
        )
