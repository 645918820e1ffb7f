"""A referral's decision that is also the case loop's acceptance step.

A centre that hands a police referral back, or objects to a petition's transfer,
decides the case's acceptance: the case loop's open review step is finished with that
decision, as the deciding user, so that nobody has to decide it twice.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from mediation.models import Case

from .driving import task_perform
from .flows import CaseLoopFlow


def decide_in_review(*, case: Case, user, decide):
    """Call ``decide()`` (a mediation service) and finish the case's review step with it."""
    task = CaseLoopFlow.task_class.objects.filter(
        process__caseprocess__case=case,
        flow_task=CaseLoopFlow.review,
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
    ).first()
    if task is None:
        raise ValidationError(_("The case is no longer waiting to be accepted."))
    if task.owner_id not in (None, user.pk):
        raise ValidationError(_("Someone else is reviewing this case; they decide it."))
    if not CaseLoopFlow.review.may(user, task):
        raise PermissionDenied

    def still_ours(task):
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED) or task.owner_id not in (None, user.pk):
            raise ValidationError(_("Someone else has just decided this case."))

    return task_perform(task, user, decide, check=still_ours)
