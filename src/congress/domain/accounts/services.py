from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from congress.db.base import utc_now
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import ApiToken, AuditEntry, User
from congress.domain.crud import EntityService
from congress.errors import Conflict

if TYPE_CHECKING:
    from litestar.stores.base import Store

_hasher = PasswordHasher()
# Verified when an e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MAX_FAILED_LOGINS = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60
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
    read_roles = frozenset()  # only admins see accounts

    async def validate(self, values: dict[str, Any], current: User | None) -> None:
        values["email"] = values["email"].strip().lower()
        password = values.pop("password", None)
        if password:
            values["password_hash"] = hash_password(password)
        if current is None:
            return
        if self.user is not None and current.id == self.user.id and not values["is_active"]:
            raise Conflict.field("is_active", "you cannot deactivate your own account")
        stays_admin = values["role"] is Role.ADMIN and values["is_active"]
        if current.role is Role.ADMIN and current.is_active and not stays_admin:
            # Somebody must be left who can manage accounts.
            others = await self.db.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != current.id)
            )
            if not others:
                field = "role" if values["role"] is not Role.ADMIN else "is_active"
                raise Conflict.field(field, "this is the last active admin account")


class AuditEntryService(EntityService[AuditEntry]):
    model = AuditEntry
    order_by = ("at", "id")
    staff_only_read = True

    async def history(
        self,
        *,
        event_id: int | None = None,
        entity: str | None = None,
        entity_ids: list[int] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[AuditEntry], int]:
        """Changes, newest first, with who made them: of one event, or of given records."""
        self.require_read()
        where = []
        if event_id is not None:
            where.append(AuditEntry.event_id == event_id)
        if entity is not None:
            where.append(AuditEntry.entity == entity)
        if entity_ids is not None:
            where.append(AuditEntry.entity_id.in_(entity_ids))
        total = await self.db.scalar(select(func.count()).select_from(AuditEntry).where(*where))
        statement = (
            select(AuditEntry)
            .where(*where)
            .options(selectinload(AuditEntry.user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list((await self.db.scalars(statement)).all()), int(total or 0)


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
        .options(joinedload(ApiToken.user))
    )
    api_token = (await db.execute(statement)).scalars().first()
    if api_token is None or not api_token.user.is_active:
        return None
    if api_token.expires_at is not None and api_token.expires_at <= utc_now():
        return None
    return api_token.user


async def authenticate(db: AsyncSession, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = await db.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.password_hash:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utc_now()
    await db.flush()
    return user


class LoginThrottle:
    """Failed logins per e-mail and client address; too many lock that pair out for a while."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _key(email: str, address: str) -> str:
        return hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()

    async def locked_minutes(self, email: str, address: str) -> int:
        """Minutes until this e-mail may try again from this address (0: not locked)."""
        key = self._key(email, address)
        failures = await self.store.get(key)
        if failures is None or int(failures) < MAX_FAILED_LOGINS:
            return 0
        left = await self.store.expires_in(key) or LOGIN_LOCKOUT_SECONDS
        return max(1, -(-left // 60))

    async def failed(self, email: str, address: str) -> None:
        key = self._key(email, address)
        failures = int(await self.store.get(key) or 0) + 1
        await self.store.set(key, str(failures), expires_in=LOGIN_LOCKOUT_SECONDS)

    async def succeeded(self, email: str, address: str) -> None:
        await self.store.delete(self._key(email, address))
