"""The court referral's hold over the case loop: until the mediator accepts, the referral
takes the loop's review and dispatch itself; it completes loop steps that its own
decisions made, and releases the steps a recused mediator had claimed."""

from viewflow.workflow.status import STATUS

from mediation.models import Case, Channel
from mediation.models.referrals import Referral, ReferralStatus

from .driving import task_perform
from .flows import CaseLoopFlow

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def advance_loop(case: Case, node, actor) -> None:
    """Complete the case loop's open ``node`` task, whose decision the referral has made."""
    task = CaseLoopFlow.task_class.objects.filter(
        process__caseprocess__case=case, flow_task=node, status__in=OPEN
    ).first()
    if task is not None:
        task_perform(task, actor)


def release_loop_tasks(case: Case) -> None:
    """The loop's handling steps a recused mediator had claimed go back to the open
    queue, for the mediator who replaces them."""
    claimed = CaseLoopFlow.task_class.objects.filter(
        process__caseprocess__case=case,
        flow_task__in=(CaseLoopFlow.start_mediation, CaseLoopFlow.handle),
        status=STATUS.ASSIGNED,
    ).exclude(owner_id=case.mediator_id)
    for task in claimed:
        with CaseLoopFlow.lock(task.process_id):
            task.refresh_from_db()
            activation = task.flow_task.activation_class(task)
            if activation.unassign.can_proceed():
                activation.unassign()


# Until the mediator accepts, the referral takes the loop's review and dispatch itself,
# and nobody handles the case; nor while the mediation is suspended (虚假调解).
SETTLING = (
    ReferralStatus.SUBMITTED,
    ReferralStatus.CONSENT,
    ReferralStatus.CONTACTING,
    ReferralStatus.CHOOSING,
    ReferralStatus.DESIGNATED,
    ReferralStatus.SUSPENDED,
)


def referral_settling(case: Case) -> bool:
    # Asked for every loop task a queue lists: a case from another channel has no
    # referral, and says so without a query.
    if case.channel != Channel.COURT:
        return False
    return Referral.objects.filter(case=case, status__in=SETTLING).exists()
