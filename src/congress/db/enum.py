"""Enumerations stored as short strings with a CHECK constraint (portable across databases)."""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa


def enum_type(enum_cls: type[enum.StrEnum]) -> sa.Enum:
    return sa.Enum(
        enum_cls,
        name=enum_cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def enum_column(enum_cls: type[enum.StrEnum], **kwargs: Any) -> Any:
    from sqlalchemy.orm import mapped_column

    return mapped_column(enum_type(enum_cls), **kwargs)
