"""Steps performed from code (the demo, the benchmark): claimed by their performer, and
one transaction each, so a refused service leaves nothing behind."""

import pytest
from django.core.exceptions import ValidationError
from viewflow.workflow.status import STATUS

from mediation import services
from mediation.models import AuditAction, CaseStatus
from tests.factories import report_case
from workflows.driving import node_perform
from workflows.flows import CaseLoopFlow

pytestmark = pytest.mark.django_db


def _process(case):
    return case.loop_process.pk


def test_a_step_from_code_is_recorded_as_done_by_its_performer(district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    node_perform(
        CaseLoopFlow.review,
        _process(case),
        district.street_staff,
        lambda: services.case_accept(case=case, actor=district.street_staff, tier="micro"),
    )
    task = CaseLoopFlow.task_class.objects.get(
        process_id=_process(case), flow_task=CaseLoopFlow.review
    )
    assert task.status == STATUS.DONE and task.owner == district.street_staff
    assert task.started is not None and task.finished is not None


def test_a_refused_service_in_a_step_from_code_changes_nothing(district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    staff = district.street_staff

    def accept_then_refuse():
        # The first service writes; the second refuses: neither write may stay.
        services.case_accept(case=case, actor=staff, tier="micro")
        services.case_reject(case=case, actor=staff, reason="重复")

    with pytest.raises(ValidationError):
        node_perform(CaseLoopFlow.review, _process(case), staff, accept_then_refuse)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED and case.accepted_at is None
    assert not case.events.filter(action=AuditAction.CASE_ACCEPTED).exists()
    task = CaseLoopFlow.task_class.objects.get(
        process_id=_process(case), flow_task=CaseLoopFlow.review
    )
    assert task.status == STATUS.NEW and task.owner is None
