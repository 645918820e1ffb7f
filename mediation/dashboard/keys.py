"""The repeat warnings of a party and of an address, counted ahead (issue 7: every
dashboard query within 200 ms at a million cases).

Grouping the window's cases by party or by address reads every case of ninety days, a
quarter of a million at a million cases, and most of their keys repeat, so no list of
the repeating keys is much shorter than the window. So the rollup's refresh keeps:

* ``KeyDay``: for each day of the window that ends today, handling organisation and key,
  the number of cases; recounted with the day's figures, on the same stale days;
* ``RecentKey``: for each key and scope, the sum of those rows over the window, with
  the first and the last day; summed again for the keys a recount touched, and, when
  the day changes, for the keys of the days that left the window (``slide``). The
  scopes: each organisation subtree (every organisation above the handling one, and 0
  for every case), each grid (its cases handled elsewhere) and each mediator, so that
  what a user sees is the sum of a few scopes that do not overlap: a subtree for the
  handling line and a director, a grid's subtree and its cases handled elsewhere for
  a grid worker, the committees' mediators for justice staff.

A warning is then the first rows of one scope in the order of an index, or the few
scopes' rows added up per key. What the refresh has not counted yet is put right from
the cases: the keys of the stale days are counted again from those days' cases, and the
cases the user sees besides the scopes (as the mediator, a one-off share, ...) are
counted from the cases. When the sums are not of the window (the refresh has not moved
them on since midnight), or the user's scopes would overlap (a post in a street and
another in one of its grids), ``Reader.repeated`` returns None and the warning is
grouped from the window's cases (``warnings``).
"""

import dataclasses
import datetime
from functools import cached_property, reduce
from operator import or_

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import NullIf, TruncDate
from django.utils import timezone

from mediation import access
from mediation.access import Relation
from mediation.models import Case, Organisation, Role
from mediation.models.people import identity

from . import figures
from .filters import Period
from .models import KeyDay, RecentKey, RollupLock, StaleDay

# The days a warning looks back, today included.
WINDOW_DAYS = 90

# The parties' and addresses' keys, as expressions over a case (None: no key); a case
# has a key for each of its parties.
KEYS = {
    "party": lambda: identity("parties__person__"),
    "address": lambda: NullIf("location", Value("")),
}
KINDS = tuple(KEYS)
# Keys per statement that names keys.
CHUNK = 2000


def keyed(cases: QuerySet[Case], kind: str) -> QuerySet[Case]:
    """``cases`` with their keys of ``kind`` as ``k_key``: a row per key."""
    return cases.annotate(k_key=KEYS[kind]()).filter(k_key__isnull=False).order_by()


def grouped(cases: QuerySet[Case], kind: str) -> QuerySet:
    """Per key of ``kind`` among ``cases``: ``k_key``, ``cases`` (distinct: a case with
    two parties of one identity is one dispute), ``first`` and ``last`` (days)."""
    day = TruncDate("reported_at")
    return (
        keyed(cases, kind)
        .values("k_key")
        .annotate(cases=Count("pk", distinct=kind == "party"), first=Min(day), last=Max(day))
    )


def _since(until: datetime.date) -> datetime.date:
    return until - datetime.timedelta(days=WINDOW_DAYS - 1)


# Keeping the counts: called by the rollup's refresh, in its transaction, under its lock.


def recount(days: list[datetime.date]) -> None:
    """Replace the ``KeyDay`` rows of ``days`` (those not yet out of the window) from
    the cases, and sum again the keys they had and have."""
    today = timezone.localdate()
    # A day after today (a report time set ahead) is kept too: it enters the window later.
    kept = [day for day in days if day >= _since(today)]
    if not kept:
        return
    old = set(KeyDay.objects.filter(day__in=kept).values_list("kind", "key").distinct())
    on_days = figures.on_days(kept)
    rows = [
        KeyDay(
            day=row["k_day"],
            kind=kind,
            key=row["k_key"],
            handling_org_id=row["k_org"],
            grid_id=row["k_grid"],
            mediator_id=row["k_mediator"],
            cases=row["cases"],
        )
        for kind in KINDS
        for row in keyed(Case.objects.filter(on_days), kind)
        .values(
            "k_key",
            k_day=TruncDate("reported_at"),
            k_org=F("handling_org_id"),
            k_grid=F("grid_id"),
            k_mediator=F("mediator_id"),
        )
        .annotate(cases=Count("pk", distinct=kind == "party"))
    ]
    KeyDay.objects.filter(day__in=kept).delete()
    KeyDay.objects.bulk_create(rows, batch_size=5000)
    # Over the sums' own window, even one that ended yesterday (a refresh across
    # midnight): ``slide`` moves them on from there.
    as_of = _as_of()
    if as_of is not None:
        _sum(as_of, old | {(row.kind, row.key) for row in rows})


def slide(today: datetime.date | None = None) -> bool:
    """On a new day: drop the days that left the window, and sum over the window that
    ends today the keys of the days that left it or entered it (every key, the first
    time or after a long pause). False when the sums are of today already."""
    today = today or timezone.localdate()
    as_of = _as_of()
    if as_of == today:
        return False
    moved = None
    if as_of is not None and as_of < today < as_of + datetime.timedelta(days=WINDOW_DAYS):
        left = Q(day__gte=_since(as_of), day__lt=_since(today))
        entered = Q(day__gt=as_of, day__lte=today)
        moved = set(KeyDay.objects.filter(left | entered).values_list("kind", "key").distinct())
    KeyDay.objects.filter(day__lt=_since(today)).delete()
    if moved is None:
        RecentKey.objects.all().delete()
    _sum(today, moved)
    RollupLock.objects.filter(pk=1).update(keys_as_of=today)
    if moved is None and connection.vendor == "postgresql":
        # Refilled at once: without fresh statistics the planner takes a lookup of a
        # few thousand keys for a scan of a whole subtree.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RecentKey._meta.db_table}, {KeyDay._meta.db_table}")
    return True


def forget() -> None:
    """The sums are of no day: the warnings are grouped from the cases until the next
    ``slide`` sums every key again (after a backlog is counted)."""
    RollupLock.objects.filter(pk=1).update(keys_as_of=None)


def _as_of() -> datetime.date | None:
    return RollupLock.objects.filter(pk=1).values_list("keys_as_of", flat=True).first()


def _sum(until: datetime.date, keys: set[tuple[str, str]] | None) -> None:
    """Replace the ``RecentKey`` rows of ``keys`` (every key: None) by the sums of their
    ``KeyDay`` rows over the window that ends ``until``, once per scope."""
    pairs = _subtrees()
    if not pairs:
        return
    # The organisations and the subtrees they are in: ids read from the database.
    in_subtree = ", ".join(f"({org:d}, {node:d})" for org, node in pairs)
    keyday = KeyDay._meta.db_table
    # Each row once per scope it is in (``RecentKey``): the subtrees of its handling
    # organisation, its grid when handled outside it, its mediator.
    sql = f"""
        INSERT INTO {RecentKey._meta.db_table}
            (kind, "key", scope, node, cases, "first", "last")
        WITH m (org, node) AS (VALUES {in_subtree})
        SELECT kind, "key", scope, node, SUM(cases), MIN(day), MAX(day) FROM (
            SELECT k.kind, k."key", 'o' AS scope, m.node AS node, k.cases, k.day
            FROM {keyday} k JOIN m ON m.org = k.handling_org_id
            WHERE {{where}}
            UNION ALL
            SELECT k.kind, k."key", 'g', k.grid_id, k.cases, k.day FROM {keyday} k
            WHERE k.grid_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM m WHERE m.org = k.handling_org_id AND m.node = k.grid_id
            ) AND {{where}}
            UNION ALL
            SELECT k.kind, k."key", 'm', k.mediator_id, k.cases, k.day FROM {keyday} k
            WHERE k.mediator_id IS NOT NULL AND {{where}}
        ) rows_in_scopes
        GROUP BY kind, "key", scope, node
    """
    window = [_since(until), until]
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(sql.format(where="k.day >= %s AND k.day <= %s"), window * 3)
            return
        for kind in KINDS:
            of_kind = sorted(key for k, key in keys if k == kind)
            for start in range(0, len(of_kind), CHUNK):
                chunk = of_kind[start : start + CHUNK]
                RecentKey.objects.filter(kind=kind, key__in=chunk).delete()
                marks = ", ".join(["%s"] * len(chunk))
                where = f'k.day >= %s AND k.day <= %s AND k.kind = %s AND k."key" IN ({marks})'
                cursor.execute(sql.format(where=where), [*window, kind, *chunk] * 3)


def _subtrees() -> list[tuple[int, int]]:
    """Each organisation with each subtree it is in: its own, those of the
    organisations above it, and 0 (every case)."""
    orgs = list(Organisation.objects.values_list("pk", "path"))
    return [
        (pk, node)
        for pk, path in orgs
        for node in (0, *(above for above, top in orgs if path.startswith(top)))
    ]


# Reading them.


@dataclasses.dataclass(frozen=True)
class Scopes:
    """The scopes whose sums add up to the cases a user sees in the window, as
    ``(scope, node)`` pairs; the condition of those cases on a case or a ``KeyDay`` row
    (None: every case); and of the cases the user sees besides them (None: none)."""

    nodes: list[tuple[str, int]]
    inside: Q | None = None
    besides: Q | None = None

    def rows(self) -> Q:
        """The ``RecentKey`` rows of the scopes."""
        return reduce(or_, (Q(scope=scope, node=node) for scope, node in self.nodes))


class Reader:
    """The repeat warnings of parties and addresses of one user's window, from the
    sums where they can answer."""

    def __init__(self, user, window: Period):
        """``window``: the window's days as a period, under the organisation chosen."""
        self.user = user
        self.window = window

    @cached_property
    def scopes(self) -> Scopes | None:
        """None when the sums cannot answer."""
        if self.window.end != timezone.localdate() or _as_of() != self.window.end:
            return None
        visibility = access.visibility_relations(self.user)
        organisation = self.window.organisation
        if visibility is None:  # a superuser
            if organisation is None:
                return Scopes([("o", 0)])
            return Scopes([("o", organisation.pk)], access.handled_under([organisation.path]))
        posts = access.user_posts(self.user)
        paths = access.subtree_paths(posts)
        if organisation is not None:
            # Every case handled in the chosen subtree is seen, and no other counts.
            if any(organisation.path.startswith(path) for path in paths):
                return Scopes([("o", organisation.pk)], access.handled_under([organisation.path]))
            return None
        return self._own_scopes(visibility, posts, paths)

    def _own_scopes(self, visibility: dict, posts: list, paths: list[str]) -> Scopes | None:
        """The scopes of all the user sees: the subtrees of their handling line (or
        district), their grid's cases handled elsewhere, their committees' mediators'
        cases; each only where it cannot overlap another."""
        tops = sorted(
            {path for path in paths if not any(path.startswith(p) for p in paths if p != path)}
        )
        ids = dict(Organisation.objects.filter(path__in=tops).values_list("path", "pk"))
        nodes = [("o", ids[path]) for path in tops]
        inside = [access.handled_under(tops)] if tops else []
        taken = set(access.SUBTREE_RELATIONS)
        if Relation.GRID in visibility:
            grid_paths = {post.path for post in posts if post.role == Role.GRID_WORKER}
            grids = list(access.orgs_under(grid_paths).values_list("pk", "path"))
            # Grids with no organisation below them, and nothing seen above them: their
            # cases handled elsewhere are in no subtree counted already.
            if len(grids) != len(grid_paths) or not all(
                any(top.startswith(path) for _pk, path in grids) for top in tops
            ):
                return None
            nodes += [("g", pk) for pk, _path in grids]
            inside += [Q(grid_id=pk) & ~Q(handling_org_id=pk) for pk, _path in grids]
            taken.add(Relation.GRID)
        if Relation.JUSTICE in visibility:
            if nodes:
                return None
            justice = [post.path for post in posts if post.role == Role.JUSTICE_STAFF]
            mediators = sorted(
                {
                    pk
                    for ids_ in access.committee_mediators(justice)
                    for pk in ids_.values_list("user_id", flat=True)
                }
            )
            nodes = [("m", pk) for pk in mediators]
            inside = [Q(mediator_id__in=mediators)]
            taken.add(Relation.JUSTICE)
        if not nodes:
            return None
        others = [condition for relation, condition in visibility.items() if relation not in taken]
        if not others:
            return Scopes(nodes, reduce(or_, inside))
        if all(scope == "o" for scope, _node in nodes):
            # Outside the subtrees, as the list of the organisations there are (none
            # at all in a district of its own): each relation's index reads it with
            # the window.
            outside = list(
                Organisation.objects.exclude(pk__in=access.orgs_under(tops)).values_list(
                    "pk", flat=True
                )
            )
            if not outside:
                return Scopes(nodes, reduce(or_, inside))
            besides = reduce(or_, others) & Q(handling_org_id__in=sorted(outside))
        else:
            besides = reduce(or_, others) & ~reduce(or_, inside)
        return Scopes(nodes, reduce(or_, inside), besides)

    @cached_property
    def stale_days(self) -> list[datetime.date]:
        return figures.stale_days(StaleDay.objects.filter(self.window.reported()))

    def _inside(self, rows: QuerySet) -> QuerySet:
        inside = self.scopes.inside
        return rows if inside is None else rows.filter(inside)

    def repeated(self, kind: str, threshold: int, limit: int) -> list[dict] | None:
        """The keys of ``kind`` with ``threshold`` or more cases, the most cases first
        (then the latest, then the key), at most ``limit``: rows with ``k_key``,
        ``cases``, ``first`` and ``last``. None when the sums cannot answer."""
        scopes = self.scopes
        if scopes is None:
            return None
        stale = set(self.stale_days)
        # From the cases: the stale days' (the sums still hold what the days had) and
        # those seen besides the scopes.
        counted: dict[str, int] = {}
        if stale:
            old = self._inside(KeyDay.objects.filter(kind=kind, day__in=stale))
            counted = dict(old.values("key").annotate(n=Sum("cases")).values_list("key", "n"))
        live = []
        if stale:
            live.append(self._inside(Case.objects.filter(figures.on_days(sorted(stale)))))
        if scopes.besides is not None:
            live.append(figures.in_period(Case.objects.filter(scopes.besides), self.window))
        found: dict[str, list[tuple]] = {}
        for cases in live:
            for row in grouped(cases, kind):
                found.setdefault(row["k_key"], []).append((row["cases"], row["first"], row["last"]))
        touched = set(counted) | set(found)
        summed = RecentKey.objects.filter(scopes.rows(), kind=kind)
        sums = {
            key: (cases, first, last)
            for key, cases, first, last in _chunked(
                touched,
                lambda keys: _summed(summed.filter(key__in=keys)),
            )
        }
        rows = {}
        unknown = set()
        for key in touched:
            cases, first, last = sums.get(key, (0, None, None))
            cases -= counted.get(key, 0)
            firsts = [first for _n, first, _l in found.get(key, ())]
            lasts = [last for _n, _f, last in found.get(key, ())]
            total = cases + sum(n for n, _f, _l in found.get(key, ()))
            if total < threshold:
                continue
            if cases:
                # The sums' first and last days hold unless they are stale days; the
                # days counted again can settle it, else the rows are read.
                if first not in stale:
                    firsts.append(first)
                elif not (firsts and min(firsts) <= first):
                    unknown.add(key)
                if last not in stale:
                    lasts.append(last)
                elif not (lasts and max(lasts) >= last):
                    unknown.add(key)
            rows[key] = {"k_key": key, "cases": total, "first": firsts, "last": lasts}
        if unknown:
            kept = KeyDay.objects.filter(
                kind=kind, day__gte=self.window.start, day__lte=self.window.end
            ).exclude(day__in=stale)
            for key, first, last in _chunked(
                unknown,
                lambda keys: (
                    self._inside(kept.filter(key__in=keys))
                    .values("key")
                    .annotate(first=Min("day"), last=Max("day"))
                    .values_list("key", "first", "last")
                ),
            ):
                rows[key]["first"].append(first)
                rows[key]["last"].append(last)
        for row in rows.values():
            row["first"], row["last"] = min(row["first"]), max(row["last"])
        # The others as summed: enough of the first rows that the touched ones left out
        # cannot shorten the list. One scope is read in the order of its index.
        if len(scopes.nodes) == 1:
            top = summed.filter(cases__gte=threshold).order_by("-cases", "-last", "key")
            top = top.values_list("key", "cases", "first", "last")
        else:
            top = _summed(summed).filter(total__gte=threshold).order_by("-total", "-latest", "key")
        top = top[: limit + len(touched)]
        for key, cases, first, last in top:
            if key not in touched:
                rows[key] = {"k_key": key, "cases": cases, "first": first, "last": last}
        ordered = sorted(
            rows.values(), key=lambda row: (-row["cases"], -row["last"].toordinal(), row["k_key"])
        )
        return ordered[:limit]


def _summed(rows: QuerySet) -> QuerySet:
    """``RecentKey`` rows added up per key over their scopes."""
    return (
        rows.values("key")
        .annotate(total=Sum("cases"), earliest=Min("first"), latest=Max("last"))
        .values_list("key", "total", "earliest", "latest")
    )


def _chunked(keys: set[str], query) -> list[tuple]:
    ordered = sorted(keys)
    return [
        row
        for start in range(0, len(ordered), CHUNK)
        for row in query(ordered[start : start + CHUNK])
    ]
