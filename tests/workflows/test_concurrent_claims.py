"""Claims racing on a real PostgreSQL: the process row lock lets one claim win."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from mediation.models import Role
from tests.factories import report_case, staff

from .helpers import open_task, task_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_second_claim_of_a_task_is_refused_politely_under_a_race(district):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    users = [district.street_staff] + [
        staff(f"th-{i}", district.street, Role.CENTRE_STAFF) for i in range(3)
    ]
    url = task_url(open_task(case, "review"), "assign")
    barrier = threading.Barrier(len(users))
    statuses, errors = [], []

    def claim(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            response = client.post(url)
            statuses.append((response.status_code, user, response.url))
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert [status for status, _, _ in statuses] == [302] * len(users)
    task = open_task(case, "review")
    winners = [user for _, user, to in statuses if to == task_url(task, "execute")]
    assert winners == [task.owner]
