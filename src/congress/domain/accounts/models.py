"""Staff accounts, API tokens, server-side sessions and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from advanced_alchemy.extensions.litestar.session import SessionModelMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import Base, DateTimeUTC, JsonB, fk, utc_now
from congress.db.enum import enum_column
from congress.domain.accounts.enums import AuditAction, Role


class User(Base):
    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = enum_column(Role)
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # Sessions started before this moment are void (set by a password reset or deactivation).
    sessions_revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class ApiToken(Base):
    user_id: Mapped[int] = fk("user_account.id")
    name: Mapped[str] = mapped_column(String(200), default="")
    # Only a SHA-256 of the token is kept; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="raise")


class StaffSession(SessionModelMixin):
    """Server-side session store for logged-in staff (used when Redis is not configured)."""

    __tablename__ = "staff_session"


class AuditEntry(Base):
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utc_now, index=True)
    user_id: Mapped[int | None] = fk("user_account.id", ondelete="SET NULL", nullable=True)
    action: Mapped[AuditAction] = enum_column(AuditAction)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(index=True)
    # The event the changed entity belongs to, for the event-wide history.
    event_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonB)

    user: Mapped[User | None] = relationship(lazy="raise")
