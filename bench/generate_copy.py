"""Rows to PostgreSQL through COPY: spooled to files while generating, loaded table by table.

Spooling lets every table be written at once (notifications come from feedback, cheers and
reminders alike) while each load stays one fast COPY that can be timed on its own.
"""

import time
from collections.abc import Iterable
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

import psycopg
from psycopg import sql

CHUNK = 4 * 1024 * 1024


class Escaped(str):
    """Text already in COPY format: large pooled values are escaped once, not per row."""


def escape(text: str) -> Escaped:
    """COPY's text format: backslash escapes (str.replace is far faster than translate)."""
    return Escaped(
        text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )


def field(value: object) -> str:
    """One value in COPY text format."""
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is Escaped:
        return value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is datetime:
        return value.isoformat(" ")
    if kind in (date, clock):
        return value.isoformat()
    raise TypeError(f"cannot copy {value!r}")


class Spool:
    """One table's rows, written to a file in COPY text format."""

    def __init__(self, directory: Path, table: str, columns: Iterable[str]):
        self.table = table
        self.columns = tuple(columns)
        self.path = directory / f"{table}.tsv"
        self.rows = 0
        self._buffer: list[str] = []
        self._file = self.path.open("w", encoding="utf-8")

    def add(self, *values: object) -> None:
        self._buffer.append("\t".join([field(v) for v in values]))
        self.rows += 1
        if len(self._buffer) >= 20000:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._file.write("\n".join(self._buffer))
            self._file.write("\n")
            self._buffer.clear()

    def close(self) -> None:
        self.flush()
        self._file.close()


class Spools:
    """Every table's spool, by name; ``order`` is the load order (parents first)."""

    def __init__(self, directory: Path, tables: dict[str, tuple[str, ...]]):
        self.order = list(tables)
        self._spools = {name: Spool(directory, name, columns) for name, columns in tables.items()}

    def __getitem__(self, table: str) -> Spool:
        return self._spools[table]

    def close(self) -> None:
        for spool in self._spools.values():
            spool.close()

    def load(self, conn: psycopg.Connection) -> list[tuple[str, int, float]]:
        """COPY each table in order; returns (table, rows, seconds) per table."""
        timings = []
        for name in self.order:
            spool = self._spools[name]
            started = time.monotonic()
            copy_file(conn, spool)
            elapsed = time.monotonic() - started
            timings.append((name, spool.rows, elapsed))
            print(f"  {name:<22} {spool.rows:>10,} rows  {elapsed:7.1f} s", flush=True)
            spool.path.unlink()
        return timings


def copy_file(conn: psycopg.Connection, spool: Spool) -> None:
    """Load one spooled table in a transaction that also truncates it, so COPY can FREEZE
    the rows (no later rewrite to set hint bits)."""
    table = sql.Identifier(spool.table)
    columns = sql.SQL(", ").join(map(sql.Identifier, spool.columns))
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(sql.SQL("TRUNCATE {}").format(table))
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FREEZE)").format(table, columns)
        with cur.copy(statement) as copy, spool.path.open("rb") as source:
            while chunk := source.read(CHUNK):
                copy.write(chunk)


# Indexes and constraints ------------------------------------------------------------------

_CONSTRAINTS = """
SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = 'public' AND c.contype IN ('f', 'u')
ORDER BY c.contype, c.conname
"""
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public' AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""


def drop_secondary(conn: psycopg.Connection) -> list[str]:
    """Drop foreign keys, unique constraints and secondary indexes before the load (building
    them once afterwards is several times faster than maintaining them row by row); returns
    the statements that put them back exactly as the migrations made them."""
    constraints = conn.execute(_CONSTRAINTS).fetchall()
    indexes = conn.execute(_INDEXES).fetchall()
    with conn.transaction():
        for table, name, _definition, _kind in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
    restore = [definition for _name, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in constraints
        if kind == "u"
    ]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in constraints
        if kind == "f"
    ]
    return restore


def restore_secondary(conn: psycopg.Connection, statements: list[str]) -> float:
    """Rebuild what ``drop_secondary`` dropped; foreign keys are checked against the data."""
    started = time.monotonic()
    conn.execute("SET maintenance_work_mem = '512MB'")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    return time.monotonic() - started


def reset_sequences(conn: psycopg.Connection, tables: Iterable[str]) -> None:
    """Point each id sequence past the ids the generator chose."""
    for table in tables:
        sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
        if sequence:
            statement = sql.SQL(
                "SELECT setval(%s, coalesce((SELECT max(id) FROM {}), 0) + 1, false)"
            ).format(sql.Identifier(table))
            conn.execute(statement, (sequence,))
    conn.commit()
