"""Cases through the closed loop, report to close, as the flow engine runs them.

Each human step is claimed, started and executed the way its web page does it: under
the flow's lock, calling the same mediation service, then ``activation.execute()``.
No HTTP, so the figure is the engine's and the services', not the template renderer's.
"""

import contextlib
import multiprocessing
import os
import time
import uuid

from django.db import connection, connections

from mediation import selectors, services
from mediation.models import (
    Channel,
    DisputeType,
    Organisation,
    OrgKind,
    PartyRole,
    PersonKind,
    Role,
)
from workflows.driving import node_perform
from workflows.flows import CaseLoopFlow

PARTIES = [
    services.PartyInput(
        role=PartyRole.APPLICANT,
        person=services.PersonInput(kind=PersonKind.NATURAL, name="张三", phone="13800138000"),
    ),
    services.PartyInput(
        role=PartyRole.RESPONDENT,
        person=services.PersonInput(kind=PersonKind.NATURAL, name="李四"),
    ),
]


@contextlib.contextmanager
def seeded_scratch_database(default_cases: str):
    """A scratch database of the benchmark's own, seeded with ``BENCH_CASES`` cases
    (``default_cases`` when unset), dropped afterwards."""
    import django
    from django.core.management import call_command
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        cases = os.environ.get("BENCH_CASES", default_cases)
        call_command("seed_demo", "--cases", cases, verbosity=0)
        yield
    finally:
        runner.teardown_databases(old)


def _step(case, name: str, user, action) -> None:
    # A page has the task in its address; the loop's process is read once per case.
    node_perform(getattr(CaseLoopFlow, name), case.loop_process.pk, user, action)


def one_loop(*, street: Organisation, grid: Organisation, staff, verifier, grid_worker) -> None:
    case = services.case_report(
        actor=staff,
        handling_org=street,
        title="装修噪音纠纷",
        description="楼上夜间装修噪音影响休息，多次沟通无果。",
        dispute_type=DisputeType.NEIGHBOUR,
        channel=Channel.WALK_IN,
        intake_token=uuid.uuid4(),
        parties=PARTIES,
    )
    _step(case, "review", staff, lambda: services.case_accept(case=case, actor=staff, tier="micro"))
    _step(
        case,
        "dispatch",
        staff,
        lambda: services.case_dispatch(
            case=case, actor=staff, organisation=grid, mediator=grid_worker
        ),
    )
    _step(
        case,
        "start_mediation",
        grid_worker,
        lambda: services.case_start_mediation(case=case, actor=grid_worker),
    )
    _step(
        case,
        "handle",
        grid_worker,
        lambda: services.case_record_outcome(
            case=case, actor=grid_worker, outcome="agreement", summary="双方和解"
        ),
    )
    _step(case, "verify", verifier, lambda: services.case_verify_close(case=case, actor=verifier))
    ratings = [
        services.RatingInput(party=party, stars=5, comment="满意")
        for party in selectors.case_parties(case)
    ]
    _step(
        case,
        "rate",
        staff,
        lambda: services.case_rate_parties(case=case, ratings=ratings, actor=staff),
    )


def _setup(users) -> dict:
    grid_worker = users.get(username="grid")
    grid = Organisation.objects.get(memberships__user=grid_worker, kind=OrgKind.GRID)
    street = grid.parent.parent
    staff = users.get(username="street")
    # Verification is by a colleague who did not handle the case.
    verifier, _ = users.get_or_create(username="bench-verifier")
    services.membership_grant(user=verifier, organisation=street, role=Role.CENTRE_STAFF)
    return dict(street=street, grid=grid, staff=staff, verifier=verifier, grid_worker=grid_worker)


def _loops(n: int, kwargs: dict) -> int:
    """Run ``n`` loops on this process's connection; returns the queries they made."""
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(n):
            one_loop(**kwargs)
    return counted[0]


def _worker(n: int, kwargs: dict, results) -> None:
    try:
        results.put(_loops(n, kwargs))
    finally:
        connections.close_all()


def run(n: int, users, workers: int = 1) -> tuple[float, float]:
    """Run ``n`` loops over ``workers`` processes; returns (loops per second, queries per loop).

    A centre's server takes many users at once, so on PostgreSQL the loops run in as
    many processes as the machine has cores; SQLite takes one writer at a time.
    """
    kwargs = _setup(users)
    one_loop(**kwargs)  # warm the caches
    if workers <= 1:
        start = time.perf_counter()
        queries = _loops(n, kwargs)
        return n / (time.perf_counter() - start), queries / n
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    share = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    procs = [context.Process(target=_worker, args=(k, kwargs, results)) for k in share]
    start = time.perf_counter()
    for proc in procs:
        proc.start()
    queries = sum(results.get() for _ in procs)
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    if any(proc.exitcode for proc in procs):
        raise RuntimeError("a benchmark worker failed")
    return n / elapsed, queries / n
