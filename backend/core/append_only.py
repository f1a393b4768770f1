"""Append-only tables on PostgreSQL, for every client of the database, not only this app.

A row trigger refuses UPDATE and DELETE unless the transaction switched the table's maintenance
setting on first (`SET LOCAL <setting> = 'on'`: a DBA session for a data-protection order or a
restore, or the one documented code path such as retention). SET LOCAL ends with the transaction,
so the switch never leaks into the next one. SQLite has no such guard (it is the embedded
development database); there the models refuse. TRUNCATE, which Django's test flush uses, is not
a row operation. Used by the migrations of the sign-in log and the access log."""

from collections.abc import Callable
from typing import Any

from django.db import migrations

# Executed with parameters, so a literal percent sign is written %%.
_CREATE = """
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF current_setting('{setting}', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{rows} are append-only: %% refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER {name}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
"""

_DROP = """
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS {name}();
"""


def append_only(*, table: str, name: str, setting: str, rows: str) -> migrations.RunPython:
    """The migration operation that makes `table` append-only on PostgreSQL (and its reverse):
    a trigger and its function, both called `name`; `rows` names the rows in the error, e.g.
    "sign-in log entries"."""
    names = {"table": table, "name": name, "setting": setting, "rows": rows}
    return migrations.RunPython(
        _on_postgresql(_CREATE.format(**names)), _on_postgresql(_DROP.format(**names))
    )


def _on_postgresql(sql: str) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
