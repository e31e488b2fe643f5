"""A broken database rule, as the 409 that names the fields in words.

The services check unique rules before writing (``EntityService``); a race that passes those
checks ends at the database's constraint, and the error handlers turn that into the same answer.
The database's own message (constraint names, SQL) goes to the log, never to the client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, UniqueConstraint

from congress.errors import Conflict, FieldError

log = logging.getLogger("congress")


def table_label(table: str) -> str:
    """A table as a word of the interface: "delegation", "user" (not "user account")."""
    return table.replace("_", " ").removesuffix(" account")


def unique_conflict(table: str, columns: Sequence[str]) -> Conflict:
    """409 naming the clashing field(s); multi-column constraints list their scope column first."""
    scope, fields = (columns[0], list(columns[1:])) if len(columns) > 1 else (None, list(columns))
    where = f" in this {scope.removesuffix('_id').replace('_', ' ')}" if scope else ""
    noun = table_label(table)
    message = f"another {noun} already has this {' and '.join(fields).replace('_', ' ')}{where}"
    return Conflict(message, [FieldError(field, message) for field in fields])


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")
_NOT_NULL = re.compile(
    r'NOT NULL constraint failed: \w+\.(\w+)|null value in column "(\w+)"'  # SQLite | PostgreSQL
)
_PG_CONSTRAINT = re.compile(r'constraint "([^"]+)"')


def _words(names: Sequence[str]) -> str:
    return " and ".join(name.removesuffix("_id").replace("_", " ") for name in names)


def _named_conflict(name: str, delete: bool) -> Conflict | None:
    """The 409 of a named constraint, in words (its name and SQL stay in the log)."""
    from congress.db.base import metadata

    for table in metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name != name:
                continue
            if not isinstance(
                constraint, UniqueConstraint | ForeignKeyConstraint | CheckConstraint
            ):
                continue
            columns = [column.name for column in constraint.columns]
            if isinstance(constraint, UniqueConstraint):
                return unique_conflict(table.name, columns)
            if isinstance(constraint, ForeignKeyConstraint):
                if delete:
                    message = f"this record is still referenced by a {table_label(table.name)}"
                    return Conflict(message, [FieldError("id", message)])
                message = f"the {_words(columns)} refers to a record that no longer exists"
                return Conflict(message, [FieldError(column, message) for column in columns])
            if isinstance(constraint, CheckConstraint):
                rule = str(constraint.sqltext)
                named = [c.name for c in table.columns if re.search(rf"\b{c.name}\b", rule)]
                message = f"these values do not fit together: {_words(named) or 'the values'}"
                return Conflict(message, [FieldError(column, message) for column in named])
        for index in table.indexes:
            if index.name == name and index.unique:
                return unique_conflict(table.name, [c.name for c in index.columns])
        for column in table.columns:
            if column.unique and name == f"uq_{table.name}_{column.name}":
                return unique_conflict(table.name, [column.name])
    return None


def integrity_conflict(exc: Exception) -> Conflict:
    """Turn a database constraint violation (a race that passed the checks) into a 409 that
    names the field in words; the database's own message (constraint names, SQL) is logged."""
    message = str(getattr(exc, "orig", None) or exc.__cause__ or exc)
    log.warning("the database refused a change: %s", message.splitlines()[0][:500])
    if match := _SQLITE_UNIQUE.search(message):
        columns = [item.split(".")[1] for item in match.group(1).split(", ")]
        return unique_conflict(match.group(1).split(".")[0], columns)
    if match := _NOT_NULL.search(message):
        column = match.group(1) or match.group(2)
        return Conflict(f"{_words([column])} is required", [FieldError(column, "is required")])
    name = None
    if match := _SQLITE_CHECK.search(message) or _PG_CONSTRAINT.search(message):
        name = match.group(1)
    delete = "update or delete on table" in message
    if name and (conflict := _named_conflict(name, delete)):
        return conflict
    if "FOREIGN KEY constraint failed" in message:  # SQLite names no constraint
        return Conflict(
            "the change refers to a record that does not exist, or a record still in use"
        )
    return Conflict("the change conflicts with existing data")
