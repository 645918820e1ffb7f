"""The transaction of a service's writes: with a savepoint only where a failure is caught.

A page calls a service inside the flow's transaction and, when the service refuses,
shows the refusal on its form and goes on: the service's writes need a savepoint of
their own, to undo them and nothing else. A step driven from code (``whole_step``:
the demo, the benchmark, an API) rolls back whole on any error, so there a savepoint
would cost two round trips and undo nothing the rollback does not.
"""

import contextlib
import contextvars

from django.db import transaction

_whole = contextvars.ContextVar("whole_step", default=False)


def atomic():
    """``transaction.atomic()`` for a service's writes."""
    return transaction.atomic(savepoint=not _whole.get())


@contextlib.contextmanager
def whole_step():
    """Inside: any error rolls back the whole transaction, never only a service's part."""
    token = _whole.set(True)
    try:
        yield
    finally:
        _whole.reset(token)
