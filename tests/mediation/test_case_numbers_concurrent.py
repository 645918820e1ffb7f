"""Concurrent intakes on a real PostgreSQL: the row lock on the sequence holds."""

import threading
import uuid

import pytest
from django.db import connection, connections

from mediation.models import Case
from tests.factories import report_case

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]

WORKERS = 8
PER_WORKER = 5


def _in_threads(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_concurrent_intakes_never_share_a_case_number(district):
    def intake(i):
        for _ in range(PER_WORKER):
            report_case(handling_org=district.street)

    _in_threads(intake, WORKERS)
    serials = sorted(Case.objects.values_list("serial", flat=True))
    assert serials == list(range(1, WORKERS * PER_WORKER + 1))
    assert Case.objects.values("number").distinct().count() == WORKERS * PER_WORKER


def test_concurrent_double_submission_makes_one_case(district):
    token = uuid.uuid4()
    results = []
    _in_threads(
        lambda i: results.append(report_case(handling_org=district.street, intake_token=token).pk),
        4,
    )
    assert len(set(results)) == 1
    assert Case.objects.count() == 1
