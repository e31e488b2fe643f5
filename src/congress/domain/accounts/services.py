from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

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


async def _active_token(db: AsyncSession, token: str) -> ApiToken | None:
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
    return api_token


def command_line_user() -> User:
    """Who the command line acts as: the operator, with every right (not stored; its audit
    entries name no user)."""
    return User(email="cli@localhost", name="command line", role=Role.ADMIN, is_active=True)


async def active_user(engine: AsyncEngine, user_id: int) -> User | None:
    """The active account with this id (whom a login session names)."""
    async with AsyncSession(engine, expire_on_commit=False) as db:
        return await db.scalar(select(User).where(User.id == user_id, User.is_active.is_(True)))


# ---- verified tokens, remembered briefly -------------------------------------------------------
# A desk scanning tickets sends dozens of requests a second with the same token; looking it up
# each time costs a database round trip per request. A verified token is remembered for a few
# seconds. Any change to a user or a token through the ORM in this process forgets them all at
# once; a change made by another process (or by plain SQL) is seen after TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 2.0
_verified: dict[tuple[int, str], tuple[float, User]] = {}
_lookups: dict[tuple[int, str], asyncio.Future[User | None]] = {}


async def cached_user_for_token(engine: AsyncEngine, token: str) -> User | None:
    """The token's user, from the database at most every TOKEN_CACHE_SECONDS (None if refused).

    Requests that miss at the same moment share one lookup (a desk rush would otherwise send
    fifty identical queries, each on its own connection, whenever the entry expires).
    """
    key = (id(engine), token_digest(token))
    hit = _verified.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    lookup = _lookups.get(key)
    if lookup is None:
        lookup = asyncio.ensure_future(_look_up(engine, key, token))
        _lookups[key] = lookup
        lookup.add_done_callback(lambda _: _lookups.pop(key, None))
    return await asyncio.shield(lookup)


async def _look_up(engine: AsyncEngine, key: tuple[int, str], token: str) -> User | None:
    started = time.monotonic()
    async with AsyncSession(engine, expire_on_commit=False) as db:
        api_token = await _active_token(db, token)
    if api_token is None:
        _verified.pop(key, None)
        return None
    until = started + TOKEN_CACHE_SECONDS
    if api_token.expires_at is not None:
        until = min(until, started + (api_token.expires_at - utc_now()).total_seconds())
    if len(_verified) > 10_000:
        _verified.clear()
    _verified[key] = (until, api_token.user)
    return api_token.user


@event.listens_for(Session, "after_flush")
def _forget_on_account_changes(session: Session, _context: Any) -> None:
    # After a flush the session still lists what it wrote as new, dirty and deleted.
    if _verified and any(
        isinstance(instance, User | ApiToken)
        for instance in (*session.new, *session.dirty, *session.deleted)
    ):
        _verified.clear()


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
