"""The transaction of a service's writes: with a savepoint only where a failure is caught.

A page calls a service inside the flow's transaction and, when the service refuses,
shows the refusal on its form and goes on: the service's writes need a savepoint of
their own, to undo them and nothing else. A step driven from code (``whole_step``:
the demo, the benchmark, an API) rolls back whole on any error, so there a savepoint
would cost two round trips and undo nothing the rollback does not.
"""

import contextlib
import contextvars

from django.db import DEFAULT_DB_ALIAS, connections, transaction

_whole = contextvars.ContextVar("whole_step", default=False)


# The rows a step has locked (SELECT … FOR UPDATE) in its transaction, by model and
# primary key: a service that would lock and read one again takes it from here.
_held = contextvars.ContextVar("held_rows", default=None)


def hold(instance) -> None:
    """Inside ``whole_step``: ``instance`` was read under a row lock in this step's
    transaction, so it is current until the step ends (every write of the step goes
    through it, and nobody else may write the row). Outside a step: nothing."""
    held = _held.get()
    if held is not None:
        held[(type(instance), instance.pk)] = instance


def held(model, pk):
    """The instance of ``model`` with ``pk`` this step holds locked, or None."""
    rows = _held.get()
    return rows.get((model, pk)) if rows else None


def atomic():
    """``transaction.atomic()`` for a service's writes."""
    return transaction.atomic(savepoint=not _whole.get())


@contextlib.contextmanager
def whole_step(*, own_savepoint: bool = True):
    """Inside: any error rolls back the whole transaction, never only a service's part.

    No savepoint is made inside the step's own transaction, the flow engine's included:
    a nested ``transaction.atomic()`` that fails marks the whole transaction for
    rollback, which is what a step driven from code wants, two round trips cheaper
    each. The step's own transaction is the first ``atomic`` opened inside; when the
    step runs within a transaction already (a test's), it gets a savepoint of its own,
    so that a refused step undoes itself and nothing around it, unless
    ``own_savepoint`` is false: a step that is part of its caller's work, whose failure
    fails the caller whole.
    """
    token = _whole.set(True)
    # A step within a step shares its rows: the same transaction holds their locks.
    rows = _held.get()
    rows = {} if rows is None else rows
    held_token = _held.set(rows)
    connection = connections[DEFAULT_DB_ALIAS]
    previous = connection.__dict__.get("_savepoint_allowed")
    depth = len(connection.savepoint_ids)
    nested = connection.in_atomic_block and own_savepoint

    def savepoint_allowed():
        return (
            nested
            and len(connection.savepoint_ids) == depth
            and type(connection)._savepoint_allowed(connection)
        )

    connection._savepoint_allowed = savepoint_allowed
    try:
        yield
    except BaseException:
        # Rolled back, perhaps only to a savepoint: what was held may have changed.
        rows.clear()
        raise
    finally:
        if previous is None:
            del connection._savepoint_allowed
        else:
            connection._savepoint_allowed = previous
        _held.reset(held_token)
        _whole.reset(token)
