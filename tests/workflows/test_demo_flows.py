"""The demo district has a case at every step of every flow; seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.status import STATUS

from mediation.models import Case, Notification
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral, ReferralStatus
from mediation.models.roster import DutyShift
from mediation.models.sessions import MediationSession, RightsNotice
from workflows.flows import CaseLoopFlow
from workflows.models import (
    CaseProcess,
    FollowUpProcess,
    JointProcess,
    LeaderProcess,
    PatrolProcess,
    PatrolScheduleProcess,
)

pytestmark = pytest.mark.django_db(transaction=True)

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED)


def _open_nodes(flow_class) -> set[str]:
    return {
        task.flow_task.name
        for task in flow_class.task_class.objects.filter(
            process__flow_class=flow_class, status__in=OPEN
        )
    }


def test_demo_has_a_case_in_each_flow_in_varied_states():
    call_command("seed_demo", cases=20, verbosity=0)
    for process_class in (
        CaseProcess,
        JointProcess,
        LeaderProcess,
        FollowUpProcess,
        PatrolProcess,
        PatrolScheduleProcess,
    ):
        assert process_class.objects.exists(), process_class.__name__
    loop_steps = _open_nodes(CaseLoopFlow)
    assert {"review", "dispatch", "start_mediation", "handle", "verify", "rate"} <= loop_steps
    assert "await_diagnosis" in loop_steps
    # One case missed its deadline and went up a level by itself, with a notice.
    escalated = Case.objects.get(title="相邻排水纠纷")
    assert escalated.tier == "small"
    assert Notification.objects.filter(case=escalated).exists()
    # A leader case awaits approval, another its progress report.
    assert LeaderProcess.objects.filter(leader_case__plan_approved_at__isnull=True).exists()
    assert LeaderProcess.objects.filter(leader_case__plan_approved_at__isnull=False).exists()
    # The roster has a duty rotation, and the handoffs and sessions have one of each.
    assert DutyShift.objects.filter(day=timezone.localdate()).exists()
    assert PoliceReferral.objects.exists() and PetitionReferral.objects.exists()
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED).exists()
    assert MediationSession.objects.exists() and RightsNotice.objects.exists()


def test_seeding_the_flows_twice_adds_nothing():
    call_command("seed_demo", cases=20, verbosity=0)
    counts = (CaseProcess.objects.count(), JointProcess.objects.count(), Case.objects.count())
    call_command("seed_demo", cases=20, verbosity=0)
    assert (
        CaseProcess.objects.count(),
        JointProcess.objects.count(),
        Case.objects.count(),
    ) == counts
