"""Write demo cases in batches: ids taken up front, rows sent with COPY on PostgreSQL.

A batch is one transaction holding its cases, parties, people, audit events and the
case-number sequences they advanced, so an interrupted run leaves whole batches behind
and the next run carries on after them.
"""

import functools
import json
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import JSONField, Max
from psycopg import pq
from psycopg.adapt import Dumper

from .models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseNumberSequence,
    CaseParty,
    Organisation,
    Person,
)
from .services import case_number_format

if TYPE_CHECKING:
    from .demo_cases import CaseDraft

PERSON_COLUMNS = (
    "id", "kind", "name", "id_number", "credit_code", "legal_representative", "phone",
    "email", "address", "special_groups", "created_at",
)  # fmt: skip
CASE_COLUMNS = (
    "id", "number", "centre_id", "year", "serial", "title", "description", "dispute_type",
    "channel", "tier", "status", "outcome", "amount", "grid_id", "location", "handling_org_id",
    "is_priority", "reported_by_id", "reported_at", "accepted_at", "due_at", "closed_at",
    "intake_token",
)  # fmt: skip
PARTY_COLUMNS = ("id", "case_id", "person_id", "role", "agent_id", "agent_relation")
EVENT_COLUMNS = ("id", "action", "case_id", "actor_id", "at", "data")

# Django's column types → the names psycopg knows them by, for binary COPY.
_PG_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "varchar": "varchar",
    "text": "text",
    "jsonb": "jsonb",
    "timestamp with time zone": "timestamptz",
    "date": "date",
    "numeric": "numeric",
    "boolean": "bool",
    "uuid": "uuid",
}
_json = functools.partial(json.dumps, ensure_ascii=False)


class _JsonbDumper(Dumper):
    """Binary jsonb from JSON text: the drafts come with their JSON already written."""

    format = pq.Format.BINARY

    def dump(self, obj):
        return b"\x01" + obj.encode()


# The tables a batch writes, in the order services.case_report first writes to them:
# a batch locks them in this order, so it and a concurrent intake cannot deadlock.
_TABLES = (Person, Case, AuditEvent, CaseParty)


def _tables_lock() -> None:
    """Keep other writers out of the tables until the batch commits (PostgreSQL).

    Then the batch can take a block of ids at once and check identity numbers
    without a race.
    """
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def allocate_ids(model, count: int) -> range:
    """Take ``count`` primary keys for rows that will be inserted with explicit ids.

    Call inside the batch's transaction, after ``_tables_lock`` on PostgreSQL; on
    SQLite the transaction holds the database's write lock from its start.
    """
    if not count:
        return range(0)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, count],
            )
            last = cursor.fetchone()[0]
            return range(last - count + 1, last + 1)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        first = cursor.fetchone()[0] + 1
    return range(first, first + count)


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows``, tuples of ``columns`` with the ids; JSON columns hold JSON text."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [_PG_TYPES[f.db_type(connection).split("(")[0]] for f in fields]
            oid = cursor.adapters.types["jsonb"].oid
            # No Python type: used for the jsonb columns that set_types names below.
            cursor.adapters.register_dumper(None, type("D", (_JsonbDumper,), {"oid": oid}))
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
            return
        prepare = [
            (lambda v: v) if isinstance(f, JSONField) else functools.partial(_prep, f)
            for f in fields
        ]
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})",
            [[p(v) for p, v in zip(prepare, row, strict=True)] for row in rows],
        )


def _prep(field, value):
    return field.get_db_prep_save(value, connection)


@transaction.atomic
def people_insert(people: list[dict]) -> range:
    """Insert people given as Person fields; returns their primary keys, in order."""
    if connection.vendor == "postgresql" and people:
        _tables_lock()
    ids = allocate_ids(Person, len(people))
    rows = [
        (
            pk,
            *(p.get(c, "") for c in PERSON_COLUMNS[1:-2]),
            _json(p["special_groups"]),
            p["created_at"],
        )
        for pk, p in zip(ids, people, strict=True)
    ]
    insert_rows(Person, PERSON_COLUMNS, rows)
    return ids


def sequences_reconcile() -> None:
    """Raise any case-number sequence that lags behind the cases it has numbered."""
    highest = Case.objects.values("centre_id", "year").annotate(last=Max("serial"))
    with transaction.atomic():
        for row in highest:
            sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(
                centre_id=row["centre_id"], year=row["year"]
            )
            if sequence.last_serial < row["last"]:
                sequence.last_serial = row["last"]
                sequence.save(update_fields=["last_serial"])


def rows_matching(model, field: str, values: list, *columns, blank_free=False) -> list[tuple]:
    """The rows whose ``field`` is among ``values`` (thousands of them), found by index.

    ``blank_free`` excludes "" too, which lets PostgreSQL use a unique index that
    leaves blanks out (identity numbers, credit codes).
    """
    rows = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # With thousands of values the planner would rather scan the whole table
            # than probe the index thousands of times, which is far slower here.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan TO OFF")
        for start in range(0, len(values), 5000):
            found = model.objects.filter(**{f"{field}__in": values[start : start + 5000]})
            if blank_free:
                found = found.exclude(**{field: ""})
            rows.extend(found.values_list(*columns))
    return rows


def _unique_id_numbers(drafts: list["CaseDraft"]) -> None:
    """Blank a made-up identity number that someone already holds: it is unique."""
    numbers = [p["id_number"] for d in drafts for p in d.people if p["id_number"]]
    taken = {
        n for (n,) in rows_matching(Person, "id_number", numbers, "id_number", blank_free=True)
    }
    for draft in drafts:
        for person in draft.people:
            if person["id_number"] in taken:
                person["id_number"] = ""
            elif person["id_number"]:
                taken.add(person["id_number"])


@transaction.atomic
def batch_write(drafts: list["CaseDraft"], centres: dict[int, Organisation]) -> dict[str, int]:
    """Number the drafts in order, continuing each register, and insert them."""
    keys = {(d.centre_pk, d.year) for d in drafts}
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(centre_id=c, year=y) for c, y in sorted(keys)], ignore_conflicts=True
    )
    # Sequences first, then tables: the order in which case_report takes its locks.
    locked = CaseNumberSequence.objects.select_for_update().order_by("centre_id", "year")
    sequences = {
        (s.centre_id, s.year): s
        for s in locked.filter(centre_id__in={c for c, _ in keys}, year__in={y for _, y in keys})
        if (s.centre_id, s.year) in keys
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A lost batch is written again by the next run: no need to wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _tables_lock()
    _unique_id_numbers(drafts)

    people_count = sum(len(d.people) for d in drafts)
    person_ids = iter(allocate_ids(Person, people_count))
    case_ids = allocate_ids(Case, len(drafts))
    party_ids = iter(allocate_ids(CaseParty, sum(len(d.parties) for d in drafts)))
    event_ids = iter(allocate_ids(AuditEvent, sum(len(d.events) for d in drafts)))
    people, cases, parties, events = [], [], [], []
    for draft, case_id in zip(drafts, case_ids, strict=True):
        sequence = sequences[(draft.centre_pk, draft.year)]
        sequence.last_serial += 1
        serial, centre = sequence.last_serial, centres[draft.centre_pk]
        number = case_number_format(centre=centre, year=draft.year, serial=serial)
        refs = {}
        for n, person in enumerate(draft.people, start=1):
            refs[-n] = pk = next(person_ids)
            people.append((pk, *(person.get(c, "") for c in PERSON_COLUMNS[1:])))
        head = (case_id, number, draft.centre_pk, draft.year, serial)
        cases.append((*head, *(draft.case[c] for c in CASE_COLUMNS[5:])))
        for role, person, agent, relation in draft.parties:
            parties.append(
                (next(party_ids), case_id, refs.get(person, person), role,
                 refs.get(agent, agent), relation)
            )  # fmt: skip
        for action, actor, at, data in draft.events:
            if action == AuditAction.CASE_REPORTED:
                data = _json({"number": number, **data})
            elif action == AuditAction.CASE_MERGED:
                into = case_number_format(centre=centre, year=draft.year, serial=serial - 1)
                data = _json({"into": into if serial > 1 else ""})
            events.append((next(event_ids), action, case_id, actor, at, data))
    insert_rows(Person, PERSON_COLUMNS, people)
    insert_rows(Case, CASE_COLUMNS, cases)
    insert_rows(CaseParty, PARTY_COLUMNS, parties)
    insert_rows(AuditEvent, EVENT_COLUMNS, events)
    CaseNumberSequence.objects.bulk_update(list(sequences.values()), ["last_serial"])
    return {
        "cases": len(cases),
        "people": len(people),
        "parties": len(parties),
        "events": len(events),
    }
