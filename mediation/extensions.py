"""Where other packages plug into mediation without mediation importing them.

A package registers from its ``AppConfig.ready()``. ``mediation.urls`` builds the site
from the registered applications after every app is ready; the case page asks the
registered sources for a case's open tasks and flow charts; the site menu asks the
registered menu sources for its entries.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.utils import timezone

_apps: list = []
_task_sources: list[Callable] = []
_chart_sources: list[Callable] = []
_menu_sources: list[Callable] = []
_section_sources: list[Callable] = []
_url_includes: list[tuple[str, object]] = []


@dataclasses.dataclass(frozen=True)
class OpenTask:
    title: str
    url: str
    owner: str = ""
    # The moment the task should be done by, if it has one; past it the task is overdue.
    due: datetime.datetime | None = None
    overdue: bool = False

    @property
    def due_label(self) -> str:
        return deadline_label(self.due)


def deadline_label(moment: datetime.datetime | None) -> str:
    """A deadline as people say it: a deadline at midnight is the end of the day before."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.time() == datetime.time():
        return (local.date() - datetime.timedelta(days=1)).isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


@dataclasses.dataclass(frozen=True)
class CaseChart:
    """One process of a case drawn as a flow chart: ``svg`` is safe, ready-made markup."""

    title: str
    svg: str
    url: str = ""


@dataclasses.dataclass(frozen=True)
class MenuEntry:
    title: str
    url: str
    icon: str = "chevron_right"
    count: int | None = None


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


def register_chart_source(source: Callable) -> None:
    """``source(case, user) -> list[CaseChart]``."""
    if source not in _chart_sources:
        _chart_sources.append(source)


def case_charts(case, user) -> list[CaseChart]:
    return [chart for source in _chart_sources for chart in source(case, user)]


def register_menu_source(source: Callable) -> None:
    """``source(request) -> list[MenuEntry]``: entries of the menu on every page."""
    if source not in _menu_sources:
        _menu_sources.append(source)


def menu_entries(request) -> list[MenuEntry]:
    return [entry for source in _menu_sources for entry in source(request)]


def register_case_section(source: Callable) -> None:
    """``source(request, case_access) -> str``: safe HTML of a section on the case page,
    or "".

    The case page calls each source after ``mediation.access.case_access`` has let the
    user see the case; the source still decides from that ``CaseAccess`` (full view or
    a referring body's limited one, may write or not) what of its own to show.
    """
    if source not in _section_sources:
        _section_sources.append(source)


def case_sections(request, case_access) -> list[str]:
    return [html for source in _section_sources if (html := source(request, case_access))]


def register_urls(prefix: str, urlconf) -> None:
    """Mount ``urlconf`` at ``prefix`` outside the staff site, which requires a login:
    the public verification page and the party portal."""
    if (prefix, urlconf) not in _url_includes:
        _url_includes.append((prefix, urlconf))


def url_includes() -> list[tuple[str, object]]:
    return list(_url_includes)


_demo_seeders: list[Callable] = []


def register_demo_seeder(seeder: Callable) -> None:
    """``seeder(stdout=...)``: called by ``seed_demo`` after the district and its cases."""
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders() -> list[Callable]:
    return list(_demo_seeders)
