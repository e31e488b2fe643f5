from __future__ import annotations

import datetime as dt

from pydantic import EmailStr, Field, ValidationInfo, field_validator

from congress.domain.accounts.enums import Role
from congress.domain.common import (
    Id,
    ReadSchema,
    Schema,
    partial,
)


class UserCreate(Schema):
    email: EmailStr
    name: str = Field(default="", max_length=200)
    role: Role
    password: str | None = Field(default=None, min_length=10, max_length=200)
    is_active: bool = True
    locale: str | None = Field(default=None, max_length=16)


UserUpdate = partial(UserCreate)


def _same_password(value: str, info: ValidationInfo) -> str:
    if "password" in info.data and value != info.data["password"]:
        raise ValueError("the two passwords are not the same")
    return value


class NewUser(UserCreate):
    """A staff account as an admin creates it on the staff pages: the password typed twice."""

    password: str = Field(min_length=10, max_length=200)
    repeat: str = Field(max_length=200)

    check_repeat = field_validator("repeat")(_same_password)


class PasswordReset(Schema):
    """A new password typed twice by an admin (staff pages)."""

    password: str = Field(min_length=10, max_length=200)
    repeat: str = Field(max_length=200)

    check_repeat = field_validator("repeat")(_same_password)


class UserRead(ReadSchema):
    email: str
    name: str
    role: Role
    is_active: bool
    locale: str | None
    last_login_at: dt.datetime | None


class AuditEntryRead(ReadSchema):
    at: dt.datetime
    user_id: Id | None
    action: str
    entity: str
    entity_id: Id
    event_id: Id | None
    before: dict[str, object] | None
    after: dict[str, object] | None
