from __future__ import annotations

import datetime as dt

from pydantic import EmailStr, Field

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
