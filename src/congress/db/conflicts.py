"""A broken unique rule, as the 409 that names the clashing fields.

The services check unique rules before writing (``EntityService``); a race that passes those
checks ends at the database's constraint, and the error handlers turn that into the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import UniqueConstraint

from congress.errors import Conflict, FieldError


def unique_conflict(table: str, columns: Sequence[str]) -> Conflict:
    """409 naming the clashing field(s); multi-column constraints list their scope column first."""
    scope, fields = (columns[0], list(columns[1:])) if len(columns) > 1 else (None, list(columns))
    where = f" in this {scope.removesuffix('_id').replace('_', ' ')}" if scope else ""
    noun = table.replace("_", " ").removesuffix(" account")
    message = f"another {noun} already has this {' and '.join(fields).replace('_', ' ')}{where}"
    return Conflict(message, [FieldError(field, message) for field in fields])


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")
_PG_CONSTRAINT = re.compile(r'constraint "([^"]+)"')


def integrity_conflict(exc: Exception) -> Conflict:
    """Turn a database constraint violation (a race that passed the checks) into a 409."""
    from congress.db.base import metadata

    message = str(getattr(exc, "orig", None) or exc.__cause__ or exc)
    if match := _SQLITE_UNIQUE.search(message):
        columns = [item.split(".")[1] for item in match.group(1).split(", ")]
        return unique_conflict(match.group(1).split(".")[0], columns)
    if match := _PG_CONSTRAINT.search(message):
        name = match.group(1)
        for table in metadata.tables.values():
            for constraint in table.constraints:
                if constraint.name == name and isinstance(constraint, UniqueConstraint):
                    return unique_conflict(table.name, [c.name for c in constraint.columns])
            for index in table.indexes:
                if index.name == name and index.unique:
                    return unique_conflict(table.name, [c.name for c in index.columns])
        for table in metadata.tables.values():
            for column in table.columns:
                if column.unique and name == f"uq_{table.name}_{column.name}":
                    return unique_conflict(table.name, [column.name])
    return Conflict("the change conflicts with existing data: " + message.splitlines()[0][:200])
