from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import secrets
import time
import weakref
from typing import Any

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Select, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

from congress.db.base import Base, utc_now
from congress.domain.accounts.access import ADMINS, AUDIT_READERS, may
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import ApiToken, AuditEntry, User
from congress.domain.crud import EntityService
from congress.errors import Conflict

_hasher = PasswordHasher()
# Verified when an e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# A hash takes tens of milliseconds of CPU and 64 MiB: a few at once in worker threads (argon2
# releases the GIL), the rest wait their turn, and the event loop stays free for other requests.
# One limiter per event loop (a server has one; tests start several, and a limiter's waiters
# belong to the loop that made them).
_hash_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _slots() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    slots = _hash_slots.get(loop)
    if slots is None:
        slots = _hash_slots[loop] = anyio.CapacityLimiter(max(1, (os.cpu_count() or 1) // 2))
    return slots


TOKEN_PREFIX = "cgt_"
TOKEN_DAYS = 90


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_off_loop(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password, limiter=_slots())


async def verify_password_off_loop(password_hash: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(
        verify_password, password_hash, password, limiter=_slots()
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserService(EntityService[User]):
    model = User
    read_roles = ADMINS

    async def validate(self, values: dict[str, Any], current: User | None) -> None:
        values["email"] = values["email"].strip().lower()
        password = values.pop("password", None)
        if password:
            values["password_hash"] = await hash_password_off_loop(password)
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
        if password or (current.is_active and not values["is_active"]):
            # Whoever knew the old password (or held the account) is shut out everywhere.
            values["sessions_revoked_at"] = utc_now()
            await revoke_tokens(self.db, current.id)


class AuditEntryService(EntityService[AuditEntry]):
    model = AuditEntry
    order_by = ("at", "id")
    staff_only_read = True

    def readable(self) -> ColumnElement[bool]:
        """The entries this user may read: none of records their role may not see."""
        hidden = [entity for entity, roles in AUDIT_READERS.items() if not may(self.user, roles)]
        return AuditEntry.entity.not_in(hidden)

    def _base_statement(self) -> Select[Any]:
        return super()._base_statement().where(self.readable())

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
        where = [self.readable()]
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
        entries = list((await self.db.scalars(statement)).all())
        await name_references(self.db, entries)
        return entries, int(total or 0)


def _reference_label(row: Any) -> Any:
    """What names a referenced record: its title or name (translatable: a mapping language →
    text), a person's name per language; else its number."""
    fields = row._mapping
    for key in ("title", "name", "headline"):
        if fields.get(key):
            return fields[key]
    if "family_name" in fields:
        given, family = fields.get("given_name") or {}, fields["family_name"] or {}
        first = bool(fields.get("family_name_first"))
        return {
            code: " ".join(
                part
                for part in (
                    (family.get(code, ""), given.get(code, ""))
                    if first
                    else (given.get(code, ""), family.get(code, ""))
                )
                if part
            )
            for code in {*given, *family}
        }
    return f"#{fields['id']}"


async def name_references(db: AsyncSession, entries: list[AuditEntry]) -> None:
    """Give each entry ``references``: for a changed ``…_id`` field, the name of the record it
    points at (so the history says "Hall A", not "room id 5"). One query per kind of record."""
    wanted: dict[Any, set[int]] = {}
    targets: dict[tuple[str, str], Any] = {}
    for entry in entries:
        table = Base.metadata.tables.get(entry.entity)
        if table is not None and entry.entity_id is not None and "id" in table.c:
            wanted.setdefault(table, set()).add(entry.entity_id)
        for key in {*(entry.before or {}), *(entry.after or {})}:
            column = table.c.get(key) if table is not None else None
            if column is None or not column.foreign_keys:
                continue
            target = next(iter(column.foreign_keys)).column.table
            targets[(entry.entity, key)] = target
            for values in (entry.before or {}, entry.after or {}):
                if isinstance(values.get(key), int):
                    wanted.setdefault(target, set()).add(values[key])
    labels: dict[tuple[str, int], Any] = {}
    through_person: dict[tuple[str, int], int] = {}  # records named by their person
    for target, ids in wanted.items():
        for row in (await db.execute(select(target).where(target.c.id.in_(ids)))).all():
            labels[(target.name, row.id)] = _reference_label(row)
            person_id = row._mapping.get("person_id")
            if isinstance(person_id, int) and isinstance(labels[(target.name, row.id)], str):
                through_person[(target.name, row.id)] = person_id
    if through_person:
        person = Base.metadata.tables["person"]
        statement = select(person).where(person.c.id.in_(set(through_person.values())))
        people = {row.id: _reference_label(row) for row in (await db.execute(statement)).all()}
        for record, person_id in through_person.items():
            labels[record] = people.get(person_id, labels[record])
    for entry in entries:
        references: dict[str, dict[int, Any]] = {}
        for (entity, key), target in targets.items():
            if entity == entry.entity:
                references[key] = {
                    record_id: label
                    for (table_name, record_id), label in labels.items()
                    if table_name == target.name
                }
        entry.references = references  # type: ignore[attr-defined]
        entry.subject = labels.get((entry.entity, entry.entity_id or 0), "")  # type: ignore[attr-defined]


async def create_token(
    db: AsyncSession, user: User, name: str = "", days: int | None = TOKEN_DAYS
) -> str:
    """A new API token for ``user``, valid for ``days`` (None: until revoked); the plain token
    is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utc_now() + dt.timedelta(days=days) if days is not None else None
    db.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=token_digest(token),
            prefix=token[:12],
            expires_at=expires_at,
        )
    )
    await db.flush()
    return token


async def user_tokens(db: AsyncSession, user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too: they say what was)."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list((await db.scalars(statement)).all())


async def revoke_tokens(
    db: AsyncSession, user_id: int, *, name: str | None = None, token_id: int | None = None
) -> int:
    """Revoke the user's live tokens (only those named ``name``, or the one ``token_id``);
    answers how many were revoked."""
    tokens = [
        token
        for token in await user_tokens(db, user_id)
        if token_state(token) == "active"
        and (name is None or token.name == name)
        and (token_id is None or token.id == token_id)
    ]
    for token in tokens:
        token.revoked = True
    await db.flush()  # the flush also empties the cache of verified tokens
    return len(tokens)


def token_state(token: ApiToken) -> str:
    if token.revoked:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= utc_now():
        return "expired"
    return "active"


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


async def active_user(engine: AsyncEngine, user_id: int, logged_in_at: float) -> User | None:
    """The active account whom a login session names, unless the session began before the
    account's sessions were ended."""
    async with AsyncSession(engine, expire_on_commit=False) as db:
        user = await db.scalar(select(User).where(User.id == user_id, User.is_active.is_(True)))
    if user is None or not session_is_current(user, logged_in_at):
        return None
    return user


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
        await verify_password_off_loop(_DUMMY_HASH, password)
        return None
    if not await verify_password_off_loop(user.password_hash, password) or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await hash_password_off_loop(password)
    user.last_login_at = utc_now()
    await db.flush()
    return user


def session_is_current(user: User, logged_in_at: float) -> bool:
    """False for a session started before the user's sessions were ended (password reset,
    deactivation)."""
    revoked = user.sessions_revoked_at
    return revoked is None or logged_in_at >= revoked.timestamp()
