"""Staff are told of a new task where the closed loop hands a case to someone new.

One receiver of viewflow's task save: a step of the loop that is created for other
people than those who finished the step before it is announced on the site, to the
people its rule (``CaseTask.Who``) lets take it:

* "accept and review", when a case is reported: the registering centre;
* "start mediation", when a case is dispatched: its mediator, or its handling
  organisation when it has none;
* "verify and close", when the outcome is recorded: the registering centre.

Dispatch (after review), handling (after starting) and rating (after verifying) go on
with the same people, and an escalation is announced by its own notice; the other
flows announce their hand-offs (a summons, a referral, a missed report) themselves.
The case is the one the step has just changed, kept on the process: no query.
"""

from django.db.models.signals import post_save
from viewflow.workflow.models import Task

from mediation import services_notify

from .flows import CaseLoopFlow
from .models import case_of


def _centre(case) -> dict:
    return {"organisation_id": case.centre_id}


def _handler(case) -> dict:
    if case.mediator_id is not None:
        return {"user_id": case.mediator_id}
    return {"organisation_id": case.handling_org_id}


AUDIENCES = {
    CaseLoopFlow.review: _centre,
    CaseLoopFlow.start_mediation: _handler,
    CaseLoopFlow.verify: _centre,
}


def task_created(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    audience = AUDIENCES.get(instance.flow_task)
    if audience is None:
        return
    case = case_of(instance.process)
    # The title stays lazy: it is read in the site's language, not the actor's.
    services_notify.task_assigned(case=case, task=instance.flow_task.task_title, **audience(case))


def connect() -> None:
    post_save.connect(task_created, sender=Task, dispatch_uid="workflows.task_notices")
