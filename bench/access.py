"""The permission-scoped case list at 100k and 1M cases, on PostgreSQL (issue 5).

For a street-centre user and a mediator it prints the database time of the case list's
first page (``selectors.case_list``, all its queries), of the same page written by hand
in raw SQL (the cases handled at or below the user's posts and the cases they mediate,
the same columns and order, with the organisations worked out first), and of guardian's
``get_objects_for_user`` when the same cases are granted to a user one by one, as
guardian would need them.

Seeding a million cases takes a quarter of an hour, so each size has a database of its
own that is kept between runs (``mediation_bench_<size>`` on the server of
``DATABASE_URL``; ``BENCH_ACCESS_DB`` changes the prefix); ``seed_demo`` only adds the
cases still missing. ``BENCH_ACCESS_SIZES`` (default ``100000,1000000``) sets the sizes.
"""

import functools
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scratch  # noqa: E402

PAGE = 25
REPEAT = 30
USERS = (("street-centre staff", "street"), ("mediator", "mediator"))


def _bench_url(size: int) -> str | None:
    return scratch.bench_url(size, "BENCH_ACCESS_DB", "mediation_bench")


def _db_ms(*fns) -> list[tuple[float, int]]:
    """For each of ``fns``: the median database milliseconds over REPEAT runs, and its
    query count. The runs take turns, so that a busy moment of the machine weighs on
    each of them alike."""
    from django.db import connection

    spent = [[] for _ in fns]
    counts = [[] for _ in fns]
    for _ in range(REPEAT):
        for i, fn in enumerate(fns):
            run: list[float] = []
            with connection.execute_wrapper(scratch.query_timer(run)):
                fn()
            spent[i].append(sum(run))
            counts[i].append(len(run))
    return [(statistics.median(s), max(c)) for s, c in zip(spent, counts, strict=True)]


RAW = """
SELECT c.*, o.*
FROM mediation_case c JOIN mediation_organisation o ON o.id = c.handling_org_id
WHERE c.handling_org_id = ANY(%(orgs)s) OR c.mediator_id = %(user)s
ORDER BY c.is_priority DESC, c.reported_at DESC, c.id DESC
LIMIT %(page)s
"""


def _list_page(user) -> list:
    from mediation import selectors

    return list(selectors.case_list(user=user)[:PAGE])


def _raw_page(user) -> list:
    """The same page written by hand, with the same columns: the cases handled at or
    below the user's posts and the cases they mediate, in the list's order. The
    organisations below the posts are worked out first, as a literal list."""
    from django.db import connection

    from mediation.models import Membership, Organisation

    paths = tuple(Membership.objects.filter(user=user).values_list("organisation__path", flat=True))
    orgs = [
        pk for pk, path in Organisation.objects.values_list("pk", "path") if path.startswith(paths)
    ]
    with connection.cursor() as cursor:
        cursor.execute(RAW, {"orgs": orgs, "user": user.pk, "page": PAGE})
        return cursor.fetchall()


def _caseload(user) -> None:
    """The seeded history names no mediator: give the benchmark's mediator every
    2,000th case, spread over the years, as a caseload of their own."""
    from django.db.models.functions import Mod

    from mediation.models import Case

    (
        Case.objects.annotate(slot=Mod("id", 2000))
        .filter(slot=0, mediator__isnull=True)
        .exclude(status__in=("reported", "accepted", "rejected", "merged", "redirected"))
        .update(mediator=user)
    )


def _guardian_user(user):
    """A user without posts to whom every case ``user`` sees is granted one by one."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from mediation import access
    from mediation.models import CaseUserObjectPermission

    twin, created = get_user_model().objects.get_or_create(username=f"bench-guardian-{user}")
    visible = access.cases_visible_to(user).values_list("pk", flat=True)
    have = CaseUserObjectPermission.objects.filter(user=twin).count()
    if created or have != visible.count():
        CaseUserObjectPermission.objects.filter(user=twin).delete()
        permission = Permission.objects.get(
            codename="view_case", content_type__app_label="mediation"
        )
        rows = (
            CaseUserObjectPermission(
                user=twin, permission=permission, content_object_id=pk, reason="benchmark"
            )
            for pk in visible.iterator(chunk_size=10000)
        )
        CaseUserObjectPermission.objects.bulk_create(rows, batch_size=10000)
    return twin


def _guardian_page(twin) -> list:
    from guardian.shortcuts import get_objects_for_user

    from mediation.models import Case

    cases = get_objects_for_user(
        twin, "mediation.view_case", klass=Case, use_groups=False, accept_global_perms=False
    )
    return list(cases.order_by("-is_priority", "-reported_at", "-id")[:PAGE])


def main() -> None:
    sizes = scratch.sizes("BENCH_ACCESS_SIZES")
    if _bench_url(sizes[0]) is None:
        print("permission-scoped case list: PostgreSQL only (set DATABASE_URL); skipped")
        return
    print()
    print(f"permission-scoped case list, first page of {PAGE}, database ms (median of {REPEAT})")
    print(
        f"| {'cases':>9} | {'user':20} | {'sees':>7} | {'list ms':>7} | {'queries':>7} "
        f"| {'raw SQL ms':>10} | {'guardian ms':>11} |"
    )
    print(f"|{'-' * 11}|{'-' * 22}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 12}|{'-' * 13}|")
    sys.stdout.flush()
    for size in sizes:
        # Each size in a process of its own, on its own database.
        scratch.run_size(__file__, size, _bench_url(size))


def rows(size: int) -> None:
    """Seed the database up to ``size`` cases if needed, and print its rows."""
    scratch.seeded(size)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from mediation import selectors

    for label, username in USERS:
        user = get_user_model().objects.get(username=username)
        if username == "mediator":
            _caseload(user)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE mediation_case")
        sees = selectors.cases_visible_to(user).count()
        twin = _guardian_user(user)
        (list_ms, queries), (raw_ms, _), (guardian_ms, _) = _db_ms(
            functools.partial(_list_page, user),
            functools.partial(_raw_page, user),
            functools.partial(_guardian_page, twin),
        )
        print(
            f"| {size:9,} | {label:20} | {sees:7,} | {list_ms:7.1f} | {queries:7} "
            f"| {raw_ms:10.1f} | {guardian_ms:11.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        rows(int(sys.argv[1]))
    else:
        main()
