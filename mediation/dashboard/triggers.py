"""The database triggers that keep the rollup honest (``models.DayFigures``).

Each change to a case, or to a row of a table that one of its figures reads (parties,
ratings, the five diagnoses' records, referrals, documents), logs the case's report
time in ``StaleDay``; the rollup recounts that day. A change to a person's ID number,
credit code or phone (how the repeat warnings recognise a party, ``keys``) logs the
report times of the person's cases. Triggers rather than signals, so
that bulk updates, COPY and raw SQL are seen too. PostgreSQL and SQLite each get their
own dialect of the same rule; migrations call ``install`` and ``remove``.
"""

STALE = "dashboard_staleday"
CASES = "mediation_case"
PEOPLE = "mediation_person"
# What recognises a person across cases (``mediation.models.people.identity``).
IDENTITY = ("id_number", "credit_code", "phone")

# The tables a figure reads besides the cases, each with its case's column.
CASE_TABLES = (
    "mediation_caseparty",
    "mediation_caserating",
    "mediation_patrolfinding",
    "mediation_homevisit",
    "mediation_jointconsultation",
    "mediation_leadercase",
    "mediation_returnvisit",
    "mediation_referral",
    "mediation_policereferral",
    "mediation_petitionreferral",
)

_PG_CASES = f"""
CREATE OR REPLACE FUNCTION dashboard_case_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO {STALE} (reported_at) VALUES (OLD.reported_at);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.reported_at <> OLD.reported_at) THEN
        INSERT INTO {STALE} (reported_at) VALUES (NEW.reported_at);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

_PG_ROWS = f"""
CREATE OR REPLACE FUNCTION dashboard_case_row_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO {STALE} (reported_at)
        SELECT reported_at FROM {CASES} WHERE id = OLD.case_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        INSERT INTO {STALE} (reported_at)
        SELECT reported_at FROM {CASES} WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


# A person's cases, when their identity changes (both dialects).
_PERSON_LOG = (
    f"INSERT INTO {STALE} (reported_at) SELECT c.reported_at FROM {CASES} c "
    "JOIN mediation_caseparty p ON p.case_id = c.id WHERE p.person_id = NEW.id;"
)

_PG_PEOPLE = f"""
CREATE OR REPLACE FUNCTION dashboard_person_changed() RETURNS trigger AS $$
BEGIN
    {_PERSON_LOG}
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def _identity_changed(distinct: str) -> str:
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in IDENTITY)


def _name(table: str) -> str:
    return f"dashboard_stale_{table}"


def _postgresql(table: str) -> list[str]:
    if table == PEOPLE:
        return [
            f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}",
            f"CREATE TRIGGER {_name(table)} AFTER UPDATE OF {', '.join(IDENTITY)} ON {table} "
            f"FOR EACH ROW WHEN ({_identity_changed('IS DISTINCT FROM')}) "
            "EXECUTE FUNCTION dashboard_person_changed()",
        ]
    function = "dashboard_case_changed" if table == CASES else "dashboard_case_row_changed"
    return [
        f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}",
        f"CREATE TRIGGER {_name(table)} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _sqlite(table: str) -> list[str]:
    if table == PEOPLE:
        return [
            f"DROP TRIGGER IF EXISTS {_name(table)}_update",
            f"CREATE TRIGGER {_name(table)}_update AFTER UPDATE OF {', '.join(IDENTITY)} "
            f"ON {table} WHEN {_identity_changed('IS NOT')} BEGIN {_PERSON_LOG} END",
        ]

    def log(row: str, when: str = "1") -> str:
        if table == CASES:
            return f"INSERT INTO {STALE} (reported_at) SELECT {row}.reported_at WHERE {when};"
        return (
            f"INSERT INTO {STALE} (reported_at) SELECT reported_at FROM {CASES} "
            f"WHERE id = {row}.case_id AND {when};"
        )

    column = "reported_at" if table == CASES else "case_id"
    moved = f"NEW.{column} IS NOT OLD.{column}"
    name = _name(table)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "update", "delete")),
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {log('NEW')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} "
        f"BEGIN {log('OLD')} {log('NEW', moved)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {log('OLD')} END",
    ]


def install(schema_editor, tables) -> None:
    """Create the triggers on ``tables`` (``CASES``, ``PEOPLE`` or tables with a
    ``case_id``)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_PG_CASES)
        schema_editor.execute(_PG_ROWS)
        schema_editor.execute(_PG_PEOPLE)
        statements = [s for table in tables for s in _postgresql(table)]
    elif vendor == "sqlite":
        statements = [s for table in tables for s in _sqlite(table)]
    else:
        raise NotImplementedError(f"the dashboard's triggers: PostgreSQL or SQLite, not {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def everything_stale(schema_editor, since=None) -> None:
    """Log every case there is (reported at ``since`` or later): the next refresh
    counts the whole history (since then)."""
    sql = f"INSERT INTO {STALE} (reported_at) SELECT reported_at FROM {CASES}"
    if since is None:
        schema_editor.execute(sql)
    else:
        schema_editor.execute(f"{sql} WHERE reported_at >= %s", [since])


def remove(schema_editor, tables) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table)}_{event}")
