"""Viewflow's nodes for the case loop, without the queries viewflow repeats.

The steps, the timers and the checks are viewflow's own; only the reads and writes
that load the same row twice, or write a fresh row twice, are folded together:

* an activation of a task whose process is not loaded yet reads the flow's process
  (``CaseProcess``, joined with its ``Process`` row) in one query, not two;
* a handling or rating deadline is stored with the timer's first write, not in an
  UPDATE straight after its INSERT;
* a finished task's deadline timer is cancelled with the process the finished task's
  activation already holds, not one read again for the timer;
* a process's start does not lock the row its own transaction has just inserted
  (``CaseStartHandle``, ``ProcessLock``);
* a gateway's conditions, which only read, run without a savepoint of their own when
  a failure propagates anyway (a page's request); when it is recorded on the task
  instead (a timer's dispatcher), viewflow's savepoint is kept.
"""

import contextvars
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.timezone import now
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow.nodes import If, StartHandle, Switch, TimerBoundary
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.nodes.boundary import TimerBoundaryActivation
from viewflow.workflow.nodes.if_gate import IfActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS


class ProcessOnceMixin:
    """Load an unloaded task's process as the flow's process class, in one query.

    ``Activation.__init__`` reads ``task.process`` (the ``Process`` row) and then
    ``.coerced`` (the subclass row): two queries for one process. Reading the
    subclass directly returns the same row in one; a process already loaded is kept.
    """

    def __init__(self, task):
        process_field = task._meta.get_field("process")
        if not process_field.is_cached(task) and task.process_id is not None:
            process_class = task.flow_task.flow_class.process_class
            task.process = process_class._default_manager.get(pk=task.process_id)
        super().__init__(task)


class CaseViewActivation(ProcessOnceMixin, ViewActivation):
    """A human step of the case loop."""


class CaseTimerBoundaryActivation(ProcessOnceMixin, TimerBoundaryActivation):
    """A deadline on a human step, scheduled in the same write that creates it."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """As ``Activation.create``, but activated before the task row is first written."""
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation.activate()
        task.previous.add(prev_activation.task)
        return activation

    def _due(self):
        delay = self.flow_task._delay
        if callable(delay):
            delay = delay(self)
        if isinstance(delay, timedelta):
            delay = now() + delay
        if not isinstance(delay, datetime):
            raise ValueError(f"Timer delay must be a timedelta or datetime, got {delay!r}")
        return delay

    @Activation.status.transition(source=STATUS.NEW, target=STATUS.SCHEDULED)
    def activate(self):
        if not context.propagate_exception:
            # A failure is recorded on the task: viewflow's savepoint keeps it apart.
            super().activate.original()
            return
        # A failure propagates and rolls back the caller's transaction, as it would
        # through viewflow's savepoint.
        self.task.scheduled = self._due()
        self.task.save()


class CaseTimerBoundary(TimerBoundary):
    """``TimerBoundary`` whose task is written once when armed."""

    activation_class = CaseTimerBoundaryActivation

    def _arm(self, host_activation):
        # ``create`` has already activated (scheduled) the task.
        self.activation_class.create(self, host_activation, host_activation.task.token)

    def _on_host_finished(self, **signal_kwargs):
        host_task = signal_kwargs["task"]
        if host_task.flow_task != self._attached_to:
            return
        process = signal_kwargs.get("process")
        armed = self.flow_class.task_class._default_manager.filter(
            flow_task=self, process=host_task.process, previous=host_task
        ).exclude(status__in=[STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR])
        for task in armed:
            if process is not None and process.pk == task.process_id:
                task.process = process
            activation = self.activation_class(task)
            if activation.cancel.can_proceed():
                activation.cancel()


class CaseIfActivation(IfActivation):
    @Activation.status.super()
    def activate(self):
        if not context.propagate_exception:
            super().activate.original()
            return
        self._condition_result = self.flow_task._condition(self)


class CaseIf(If):
    """``If`` whose read-only condition needs no savepoint when a failure propagates."""

    activation_class = CaseIfActivation


class CaseSwitchActivation(SwitchActivation):
    @Activation.status.super()
    def activate(self):
        if not context.propagate_exception:
            super().activate.original()
            return
        for node, cond in self.flow_task._branches:
            if cond:
                if cond(self):
                    self.next_task = node
                    break
            else:
                self.next_task = node
        if not self.next_task:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class CaseSwitch(Switch):
    """``Switch`` whose read-only conditions need no savepoint when a failure propagates."""

    activation_class = CaseSwitchActivation


def on_timeout(node, delay, then, interrupting=True, title=None):
    """``node.OnTimeout(...)`` with a ``CaseTimerBoundary``; returns ``node``."""
    boundary = CaseTimerBoundary(None, delay=delay, interrupting=interrupting).Next(then)
    if title is not None:
        boundary.Annotation(title=title)
    node._boundary_specs.append(("timeout", boundary))
    return node


# A process's start: its row is not locked while the same transaction that has just
# inserted it runs the first steps, since no other transaction can see the row yet.

_starting = contextvars.ContextVar("starting_process", default=None)


class StartHandleOnceActivation(StartHandleActivation):
    @Activation.status.super()
    def execute(self):
        token = _starting.set(self.process)
        try:
            super().execute()
        finally:
            _starting.reset(token)


class CaseStartHandle(StartHandle):
    """``flow.StartHandle`` whose new process is not locked by the transaction that
    inserts it (``ProcessLock``)."""

    activation_class = StartHandleOnceActivation


class ProcessLock(SelectForUpdateLock):
    """``lock.select_for_update_lock`` (``SELECT … FOR UPDATE NOWAIT`` on the process's
    row, retried), except for a process whose start is inserting its row in this very
    transaction: invisible to every other transaction, it has nobody to wait for."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        starting = _starting.get()
        if starting is not None and starting.pk == process_pk:
            with transaction.atomic():
                yield
            return
        with super().__call__(flow_class, process_pk):
            yield


process_lock = ProcessLock()
