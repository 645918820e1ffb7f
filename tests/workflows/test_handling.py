"""Handling a dispatched case: start mediation, escalate level by level, the deadline timer,
and who may mediate (问诊 specialists; a mediator is never a party)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mediation import deadlines, services
from mediation.models import (
    AuditAction,
    CaseStatus,
    DisputeType,
    MediatorProfile,
    Notification,
    NotificationEvent,
    OrgKind,
    PartyRole,
    Person,
    Role,
    SpecialGroup,
    Tier,
)
from tests.factories import make_id_number, natural, org, report_case, staff
from workflows.timers import fire_flow_timers

from .helpers import claim, open_task, perform

pytestmark = pytest.mark.django_db


def _accept_and_dispatch(client, district, case, tier, organisation, mediator=None):
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": tier})
    data = {"organisation": organisation.pk}
    if mediator is not None:
        data["mediator"] = mediator.pk
    response = perform(client, district.street_staff, case, "dispatch", data)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()


@pytest.fixture
def micro_case(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    _accept_and_dispatch(client, district, case, "micro", district.grid, district.grid_worker)
    return case


def test_start_mediation_sets_the_case_in_mediation(client, district, micro_case):
    response = perform(client, district.grid_worker, micro_case, "start_mediation", {})
    assert response.status_code == 302
    micro_case.refresh_from_db()
    assert micro_case.status == CaseStatus.MEDIATING
    assert micro_case.events.filter(action=AuditAction.CASE_MEDIATING).exists()


def test_only_the_assigned_mediator_starts_mediation(client, district, micro_case):
    other = staff("gridder-b", district.grid, Role.GRID_WORKER)
    assert claim(client, other, micro_case, "start_mediation").status_code == 403
    micro_case.refresh_from_db()
    assert micro_case.status == CaseStatus.DISPATCHED


def test_handler_escalates_a_micro_case_to_the_community_which_is_told(
    client, district, micro_case
):
    perform(client, district.grid_worker, micro_case, "start_mediation", {})
    response = perform(
        client,
        district.grid_worker,
        micro_case,
        "handle",
        {"step": "escalate", "escalate_reason": "涉及多户居民，网格无法协调"},
    )
    assert response.status_code == 302
    micro_case.refresh_from_db()
    assert micro_case.tier == Tier.SMALL
    assert micro_case.status == CaseStatus.ACCEPTED
    assert micro_case.handling_org == district.community
    assert micro_case.mediator is None
    assert micro_case.due_at == deadlines.tier_due_date(timezone.localdate(), Tier.SMALL)
    notice = Notification.objects.get(case=micro_case, event=NotificationEvent.NOTICE)
    assert notice.organisation == district.community
    assert "涉及多户居民" in notice.text
    # The level above dispatches the case again.
    assert open_task(micro_case, "dispatch").owner is None


def test_escalation_needs_a_reason_and_changes_nothing_without_one(client, district, micro_case):
    perform(client, district.grid_worker, micro_case, "start_mediation", {})
    response = perform(client, district.grid_worker, micro_case, "handle", {"step": "escalate"})
    assert response.status_code == 200
    assert "escalate_reason" in response.context["form"].errors
    micro_case.refresh_from_db()
    assert micro_case.tier == Tier.MICRO and micro_case.status == CaseStatus.MEDIATING


def test_a_hard_case_cannot_go_above_the_district_centre(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    district_staff = district.centre_staff
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "hard"})
    perform(client, district.street_staff, case, "dispatch", {"organisation": district.district.pk})
    perform(client, district_staff, case, "start_mediation", {})
    response = perform(
        client, district_staff, case, "handle", {"step": "escalate", "escalate_reason": "太难"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.tier == Tier.HARD and case.status == CaseStatus.MEDIATING


def test_missed_tier_deadline_escalates_by_itself_and_tells_the_level_above(district, micro_case):
    due_end = deadlines.end_of_day(micro_case.due_at)
    with time_machine.travel(due_end - datetime.timedelta(minutes=5)):
        fire_flow_timers()
    micro_case.refresh_from_db()
    assert micro_case.tier == Tier.MICRO

    with time_machine.travel(due_end + datetime.timedelta(minutes=1)):
        fire_flow_timers()
        micro_case.refresh_from_db()
        assert micro_case.tier == Tier.SMALL
        assert micro_case.handling_org == district.community
        event = micro_case.events.get(action=AuditAction.CASE_ESCALATED)
        assert event.data["automatic"] is True and event.actor is None
        assert Notification.objects.filter(
            case=micro_case, organisation=district.community
        ).exists()
        assert open_task(micro_case, "dispatch").owner is None


def test_missed_deadline_of_a_hard_case_alerts_the_district_centre_and_keeps_it(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "hard"})
    perform(client, district.street_staff, case, "dispatch", {"organisation": district.district.pk})
    case.refresh_from_db()
    with time_machine.travel(deadlines.end_of_day(case.due_at) + datetime.timedelta(minutes=1)):
        fire_flow_timers()
        case.refresh_from_db()
        assert case.tier == Tier.HARD and case.status == CaseStatus.DISPATCHED
        assert case.events.filter(action=AuditAction.CASE_OVERDUE).count() == 1
        assert Notification.objects.filter(case=case, organisation=district.district).exists()
        # The step is open again, and the alert is not repeated on the next sweep.
        assert open_task(case, "start_mediation").owner is None
        fire_flow_timers()
        assert case.events.filter(action=AuditAction.CASE_OVERDUE).count() == 1


@pytest.fixture
def specialist(district):
    committee = org("jk-tjw", OrgKind.MEDIATION_COMMITTEE, district.district, name="调委会")
    user = staff("mediator-family", committee, Role.MEDIATOR)
    MediatorProfile.objects.create(
        user=user, organisation=committee, dispute_types=[DisputeType.FAMILY]
    )
    return user


def test_priority_case_goes_to_a_specialist_mediator_consultation(client, district, specialist):
    elderly = natural(
        "王奶奶",
        PartyRole.APPLICANT,
        id_number=make_id_number(),
        special_groups=[SpecialGroup.ELDERLY],
    )
    case = report_case(
        handling_org=district.street,
        actor=district.street_staff,
        dispute_type=DisputeType.FAMILY,
        parties=[elderly, natural("王小明", PartyRole.RESPONDENT)],
    )
    assert case.is_priority
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "medium"})
    claim(client, district.street_staff, case, "dispatch")
    task = open_task(case, "dispatch")
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
    # The specialist is offered first, and marked as one.
    field = page.context["form"].fields["mediator"]
    assert field.queryset.first() == specialist
    name = specialist.get_full_name() or specialist.get_username()
    assert field.label_from_instance(specialist) != name
    assert field.label_from_instance(district.street_staff) == (
        district.street_staff.get_full_name() or district.street_staff.get_username()
    )

    response = client.post(
        task.flow_task.reverse("execute", args=[task.process_id, task.pk]),
        {"organisation": district.street.pk, "mediator": district.street_staff.pk},
    )
    assert response.status_code == 200
    assert "mediator" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED

    task = open_task(case, "dispatch")
    response = client.post(
        task.flow_task.reverse("execute", args=[task.process_id, task.pk]),
        {"organisation": district.street.pk, "mediator": specialist.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.mediator == specialist and case.status == CaseStatus.DISPATCHED


def test_a_mediator_is_never_a_party_to_the_case_they_handle(client, district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    party = case.parties.first()
    Person.objects.filter(pk=party.person_id).update(user=district.grid_worker)
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "micro"})
    response = perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.grid.pk, "mediator": district.grid_worker.pk},
    )
    assert response.status_code == 200
    assert "mediator" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.mediator is None


def test_escalate_service_refuses_a_case_not_in_handling(district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    with pytest.raises(services.ValidationError):
        services.case_escalate(case=case, actor=district.street_staff, reason="理由")


def test_a_roster_mediator_posted_elsewhere_sees_and_handles_the_case(client, district, specialist):
    case = report_case(
        handling_org=district.street, actor=district.street_staff, dispute_type=DisputeType.FAMILY
    )
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "medium"})
    perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.street.pk, "mediator": specialist.pk},
    )
    client.force_login(specialist)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert perform(client, specialist, case, "start_mediation", {}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
