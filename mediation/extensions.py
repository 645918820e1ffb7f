"""Where other packages plug into mediation without mediation importing them.

A package registers from its ``AppConfig.ready()``. ``mediation.urls`` builds the site
from the registered applications after every app is ready; the case page asks the
registered task sources for a case's open tasks.
"""

import dataclasses
from collections.abc import Callable

_apps: list = []
_task_sources: list[Callable] = []


@dataclasses.dataclass(frozen=True)
class OpenTask:
    title: str
    url: str
    owner: str = ""


def register_app(viewset) -> None:
    if viewset not in _apps:
        _apps.append(viewset)


def apps() -> list:
    return list(_apps)


def register_task_source(source: Callable) -> None:
    """``source(case, user) -> list[OpenTask]``."""
    if source not in _task_sources:
        _task_sources.append(source)


def case_open_tasks(case, user) -> list[OpenTask]:
    return [task for source in _task_sources for task in source(case, user)]
