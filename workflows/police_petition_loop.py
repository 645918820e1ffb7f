"""What a police or petition referral's decision does to the case loop and its own clock.

A centre that hands a police matter back (人民调解法 art 25) or objects to a petition's
transfer (信访工作条例 art 23) sends the case back to the body that referred it. Before
acceptance that decision is the loop's review step (``decide_in_review``). Once the case
is accepted and being handled, the mediation service ends the case and the loop's open
tasks (dispatch, start, handling, their deadline timers) are cancelled in the same
transaction, so that no step is left waiting on an ended case.

A referral's own clock (the 24 hours to accept, the petition's handling period) stops
when it has nothing left to wait for: its timer fires at once and the flow ends.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from viewflow.workflow.lock import after_lock_released
from viewflow.workflow.status import PROCESS, STATUS

from mediation.models import Case

from .flows import CaseLoopFlow, diagnosis_open
from .handoff_review import decide_in_review

logger = logging.getLogger(__name__)

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def decide_referral(*, case: Case, user, decide):
    """Call ``decide()`` (a mediation service that sends the case back) and settle the
    case loop with it: the review step is decided, or the loop is ended."""
    in_review = CaseLoopFlow.task_class.objects.filter(
        process__caseprocess__case=case, flow_task=CaseLoopFlow.review, status__in=OPEN
    ).exists()
    if in_review:
        return decide_in_review(case=case, user=user, decide=decide)
    return _end_loop(case=case, decide=decide)


def _end_loop(*, case: Case, decide):
    process = CaseLoopFlow.process_class.objects.filter(case=case).first()
    if process is None or process.status in (PROCESS.DONE, PROCESS.CANCELED):
        raise ValidationError(_("The case is no longer being handled."))
    with CaseLoopFlow.lock(process.pk):
        # The service's own refusals come first; this one undoes what it did.
        result = decide()
        if diagnosis_open(case):
            # The diagnosis sub-flow would wait for a loop that no longer exists.
            raise ValidationError(
                _(
                    "A joint consultation or leader case is open on this case; it must "
                    "end before the case can be sent back."
                )
            )
        process.refresh_from_db()
        CaseLoopFlow.instance.cancel(process)
    return result


def stop_clock(flow_class, node, **process_filter) -> None:
    """Fire ``node``'s scheduled timer now, once the flow locks held are released: the
    referral has been answered, so its flow goes on to its end without waiting.

    A failure is logged and left to the timer's own time, when the dispatcher fires it.
    """

    def fire():
        task = flow_class.task_class.objects.filter(
            flow_task=node,
            status=STATUS.SCHEDULED,
            **{f"process__{key}": value for key, value in process_filter.items()},
        ).first()
        if task is None:
            return
        try:
            with task.activation() as activation:
                if activation.start.can_proceed():
                    activation.start()
                    activation.execute()
        except Exception:
            logger.exception("The clock of %s could not be stopped early", task.process_id)

    after_lock_released(fire)
