"""Viewflow's nodes for the case loop, without the queries viewflow repeats.

The steps, the timers and the checks are viewflow's own; only the reads and writes
that load the same row twice, or write a fresh row twice, are folded together:

* an activation of a task whose process is not loaded yet reads the flow's process
  (``CaseProcess``, joined with its ``Process`` row) in one query, not two;
* a handling or rating deadline is stored with the timer's first write, not in an
  UPDATE straight after its INSERT;
* a finished task's deadline timer is cancelled in one UPDATE, not read and saved;
* a gateway's or an end's task is INSERTed once, finished, not INSERTed and then
  UPDATEd (``InsertOnceMixin``), and a timer's task is INSERTed scheduled;
* a step driven from code locks its process by reading its task (``lock_by_reading``);
* a process's start does not lock the row its own transaction has just inserted
  (``CaseStartHandle``, ``ProcessLock``);
* a gateway's conditions, which only read, run without a savepoint of their own when
  a failure propagates anyway (a page's request); when it is recorded on the task
  instead (a timer's dispatcher), viewflow's savepoint is kept.
"""

import contextvars
import random
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import OperationalError, transaction
from django.utils.timezone import now
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowLockFailed, FlowRuntimeError
from viewflow.workflow.flow.nodes import End, If, StartHandle, Switch, Timer, TimerBoundary
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.nodes.boundary import TimerBoundaryActivation
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.if_gate import IfActivation
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.timer import TimerActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished
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


class ScheduledOnceMixin:
    """A timer's task scheduled in the same write that creates it: ``create`` computes
    the due moment before the row is first INSERTed, not in an UPDATE straight after."""

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


class CaseTimerBoundaryActivation(ScheduledOnceMixin, ProcessOnceMixin, TimerBoundaryActivation):
    """A deadline on a human step, scheduled in the same write that creates it."""


class CaseTimerActivation(ScheduledOnceMixin, ProcessOnceMixin, TimerActivation):
    """A flow's wait until a moment, scheduled in the same write that creates it."""


class CaseTimer(Timer):
    """``flow.Timer`` whose task is written once, scheduled."""

    activation_class = CaseTimerActivation


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
        # The armed timer is cancelled in one UPDATE, not read and saved: a timer's
        # cancel only marks it CANCELED and finished (``TimerActivation.cancel``), and
        # only a waiting timer (NEW or SCHEDULED) may be cancelled.
        self.flow_class.task_class._default_manager.filter(
            flow_task=self,
            process_id=host_task.process_id,
            previous=host_task,
            status__in=[STATUS.NEW, STATUS.SCHEDULED],
        ).update(status=STATUS.CANCELED, finished=now())


class InsertOnceMixin:
    """An automatic node's task (a gateway, an end) written once, already finished.

    Viewflow INSERTs the task when it is created and UPDATEs it when it completes a
    moment later, in the same transaction. Where a failure propagates (rolling the
    whole step back), nothing reads the row in between, so the task is kept in memory
    until it completes and is then INSERTed finished, with its link to the task before
    it. Where a failure is recorded on the task instead (the timers' dispatcher),
    viewflow's own order is kept, so that the failed task exists to show the error.
    """

    _previous_task = None

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        if not context.propagate_exception:
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation._previous_task = prev_activation.task
        return activation

    # An unsaved task has no hash (Django's rule); viewflow keeps activations in sets.
    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def _complete_once(self):
        """``Activation.complete``, with a deferred task's first save and link."""
        self.task.finished = now()
        self.task.save()
        if self._previous_task is not None:
            self.task.previous.add(self._previous_task)
            self._previous_task = None
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class CaseIfActivation(InsertOnceMixin, IfActivation):
    @Activation.status.super()
    def complete(self):
        self._complete_once()

    @Activation.status.super()
    def activate(self):
        if not context.propagate_exception:
            super().activate.original()
            return
        self._condition_result = self.flow_task._condition(self)


class CaseIf(If):
    """``If`` whose read-only condition needs no savepoint when a failure propagates."""

    activation_class = CaseIfActivation


class CaseSwitchActivation(InsertOnceMixin, SwitchActivation):
    @Activation.status.super()
    def complete(self):
        self._complete_once()

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


class CaseEndActivation(InsertOnceMixin, EndActivation):
    @Activation.status.super()
    def complete(self):
        self._complete_once()


class CaseEnd(End):
    """``flow.End`` whose task is written once, finished."""

    activation_class = CaseEndActivation


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


class LockingRead:
    """A read that takes the flow's lock itself: ``query()`` selects ``FOR UPDATE OF``
    the process's row, so the lock and the row the step needs come in one query.
    ``result`` holds what it returned once a ``ProcessLock`` has run it."""

    _unset = object()

    def __init__(self, query):
        self.query = query
        self.result = self._unset

    @property
    def done(self) -> bool:
        return self.result is not self._unset


_locking_read = contextvars.ContextVar("locking_read", default=None)


@contextmanager
def lock_by_reading(query):
    """Within: the next ``ProcessLock`` taken locks by running ``query()`` (see
    ``LockingRead``), and only that one; yields the ``LockingRead``."""
    read = LockingRead(query)
    token = _locking_read.set(read)
    try:
        yield read
    finally:
        _locking_read.reset(token)


class ProcessLock(SelectForUpdateLock):
    """``lock.select_for_update_lock`` (``SELECT … FOR UPDATE NOWAIT`` on the process's
    row, retried while another transaction holds it), except

    * for a process whose start is inserting its row in this very transaction:
      invisible to every other transaction, it has nobody to wait for;
    * when the caller reads what it needs with the lock (``lock_by_reading``): that
      read, retried the same way, is the lock."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        starting = _starting.get()
        if starting is not None and starting.pk == process_pk:
            with transaction.atomic():
                yield
            return
        read = _locking_read.get()
        if read is None:

            def lock():
                processes = flow_class.process_class._default_manager.filter(pk=process_pk)
                processes.select_for_update(nowait=self.nowait).exists()

        else:
            _locking_read.set(None)  # nested locks lock their own rows

            def lock():
                read.result = read.query()

        for attempt in range(self.attempts):
            with transaction.atomic():
                try:
                    lock()
                except OperationalError:
                    # The row is locked by another transaction (NOWAIT); anything
                    # else is not a busy lock and is not retried.
                    if attempt == self.attempts - 1:
                        raise FlowLockFailed(f"Lock failed for {flow_class}") from None
                    time.sleep((((attempt + 1) * random.random()) + 2**attempt) / 2.5)
                else:
                    yield
                    break


process_lock = ProcessLock()
