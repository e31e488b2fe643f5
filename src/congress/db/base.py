"""Declarative base, column types and helpers shared by every model."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from advanced_alchemy.base import (
    AdvancedDeclarativeBase,
    CommonTableAttributes,
    orm_registry,
)
from advanced_alchemy.mixins import AuditColumns, IdentityPrimaryKey
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import Mapped, mapped_column

metadata = orm_registry.metadata

# A translatable text is stored as {"en": "...", "ru": "..."}; see congress.translation.
Translatable = JsonB
TranslatableMap = dict[str, str]


class Base(
    CommonTableAttributes, IdentityPrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs
):
    """Every congress table: integer identity id, created_at/updated_at (UTC)."""

    __abstract__ = True

    def to_dict(self, exclude: set[str] | None = None) -> dict[str, Any]:
        """Column values by attribute name (used by the audit log and exports)."""
        exclude = exclude or set()
        return {
            column.key: getattr(self, column.key)
            for column in self.__mapper__.column_attrs
            if column.key not in exclude
        }


def fk(
    target: str, *, ondelete: str | None = "CASCADE", nullable: bool = False, index: bool = True
) -> Any:
    """A foreign key column to ``target`` ("table.id"), indexed by default."""
    return mapped_column(ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def new_uid() -> str:
    return str(uuid.uuid4())


def uid_column() -> Any:
    """A stable identifier (a UUIDv4 as text), made once when the row is created and carried by
    exports and imports: the guids and UIDs of the open formats are built on it, never on the
    id, a language or a title."""
    return mapped_column(String(36), default=new_uid, unique=True, index=True)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


__all__ = [
    "Base",
    "DateTimeUTC",
    "JsonB",
    "Mapped",
    "Translatable",
    "TranslatableMap",
    "fk",
    "mapped_column",
    "metadata",
    "new_uid",
    "uid_column",
    "utc_now",
]
