import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from mediation.dashboard.tables import TABLES

URL = "dashboard:index"
# The demo's history ends on this day and reaches back about eighteen months.
TODAY = datetime.date(2026, 11, 21)
WHOLE_HISTORY = {"start": "2025-04-01", "end": TODAY.isoformat()}


@pytest.fixture(autouse=True)
def _messages_in_english(messages_in_english):
    """The messages in English (``tests/conftest.py``)."""


def dashboard(client, user, **query):
    client.force_login(user)
    response = client.get(reverse(URL), query)
    assert response.status_code == 200, response.status_code
    return {table.slug: table for table in response.context["tables"]}


def overview(tables) -> dict[str, str]:
    """The overview table as {figure: text}."""
    return {row[0].text: row[1].value for row in tables["overview"].rows}


def first_column(table) -> list[str]:
    return [row[0].text for row in table.rows]


@pytest.fixture(params=["from the cases", "from the rollup"])
def demo(db, request):
    """The demo district's history (no flows), with its ratings and repeat disputes;
    every test that uses it runs twice: before the rollup has counted a day (the
    figures come from the cases) and after (they come from the rollup)."""
    from mediation.dashboard import rollup
    from mediation.dashboard.demo import seed_statistics

    call_command("seed_demo", cases=240, today=TODAY.isoformat(), flows=False, stdout=io.StringIO())
    seed_statistics()
    if request.param == "from the rollup":
        assert rollup.refresh() > 0


__all__ = ["TABLES", "WHOLE_HISTORY", "dashboard", "first_column", "overview"]
