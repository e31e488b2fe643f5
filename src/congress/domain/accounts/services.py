from __future__ import annotations

import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.domain.accounts.models import ApiToken, AuditEntry, User
from congress.domain.crud import EntityService

_hasher = PasswordHasher()
TOKEN_PREFIX = "cgt_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserService(EntityService[User]):
    model = User
    staff_only_read = True

    def require_read(self) -> None:
        super().require_read()
        self.require_write()  # only admins list accounts

    async def validate(self, values: dict[str, Any], current: User | None) -> None:
        values["email"] = values["email"].strip().lower()
        password = values.pop("password", None)
        if password:
            values["password_hash"] = hash_password(password)


class AuditEntryService(EntityService[AuditEntry]):
    model = AuditEntry
    order_by = ("at", "id")
    staff_only_read = True


async def create_token(db: AsyncSession, user: User, name: str = "") -> str:
    """A new API token for ``user``; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, name=name, token_hash=token_digest(token), prefix=token[:12]))
    await db.flush()
    return token


async def user_for_token(db: AsyncSession, token: str) -> User | None:
    statement = (
        select(ApiToken)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked.is_(False))
        .options(selectinload(ApiToken.user))
    )
    api_token = (await db.execute(statement)).scalars().first()
    if api_token is None or not api_token.user.is_active:
        return None
    if api_token.expires_at is not None and api_token.expires_at <= utc_now():
        return None
    return api_token.user
