"""The one write path for every entity: checks, persistence, conflicts and the audit log.

Each area's services.py subclasses :class:`EntityService` and adds its own rules in
``validate`` (and, where an entity owns children, ``apply``). The JSON API and the staff pages
both call these services, so a rule is written once.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar, cast

from advanced_alchemy.exceptions import IntegrityError as AAIntegrityError
from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import (
    ColumnElement,
    ForeignKeyConstraint,
    Select,
    Table,
    UniqueConstraint,
    func,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ColumnProperty
from sqlalchemy.orm.interfaces import LoaderOption

from congress.db.base import Base
from congress.db.conflicts import integrity_conflict, table_label, unique_conflict
from congress.domain.accounts.enums import AuditAction, Role
from congress.domain.accounts.models import AuditEntry, User
from congress.errors import Conflict, FieldError, Forbidden, Invalid, NotAuthenticated, NotFound

ModelT = TypeVar("ModelT", bound=Base)

ALL_STAFF = frozenset(Role)


def jsonable(value: Any) -> Any:
    """A column value as JSON (for the audit log)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def snapshot(instance: Base) -> dict[str, Any]:
    return {
        key: jsonable(value)
        for key, value in instance.to_dict(exclude={"created_at", "updated_at"}).items()
        if key not in {"password_hash", "token_hash"}
    }


def label_of(model: type[Base]) -> str:
    return table_label(str(model.__tablename__))


class EntityService(Generic[ModelT]):
    model: ClassVar[type[Base]]
    # Relationships a read needs, loaded up front (a page's query count must not grow).
    load: ClassVar[Sequence[LoaderOption]] = ()
    order_by: ClassVar[Sequence[str]] = ("id",)
    write_roles: ClassVar[frozenset[Role]] = frozenset({Role.ADMIN})
    staff_only_read: ClassVar[bool] = False
    # When set, reading needs one of these roles (or admin); implies staff_only_read.
    read_roles: ClassVar[frozenset[Role] | None] = None
    # Attributes hidden from anonymous readers.
    private_fields: ClassVar[frozenset[str]] = frozenset()
    # Columns ("table.column") whose rows keep a record from being deleted although the
    # database would set them to NULL: a room still used by sessions is not deleted quietly.
    kept_by: ClassVar[frozenset[str]] = frozenset()

    repository_type: ClassVar[type[SQLAlchemyAsyncRepository[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            cls.repository_type = type(
                f"{cls.model.__name__}Repository",
                (SQLAlchemyAsyncRepository,),
                {"model_type": cls.model},
            )

    def __init__(self, db: AsyncSession, user: User | None = None) -> None:
        self.db = db
        self.user = user
        self.repository = self.repository_type(session=db)

    # ---- who may do what -------------------------------------------------------------------

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.is_active

    @property
    def table(self) -> Table:
        return cast(Table, self.model.__table__)

    @property
    def label(self) -> str:
        return label_of(self.model)

    def require_read(self) -> None:
        if (self.staff_only_read or self.read_roles is not None) and not self.is_staff:
            raise NotAuthenticated(f"reading {self.label} records needs a staff token")
        if self.read_roles is not None:
            assert self.user is not None
            if self.user.role is not Role.ADMIN and self.user.role not in self.read_roles:
                allowed = ", ".join(sorted(role.value for role in self.read_roles | {Role.ADMIN}))
                raise Forbidden(f"reading {self.label} records needs one of the roles: {allowed}")

    def require_write(self) -> None:
        if not self.is_staff:
            raise NotAuthenticated("changes need a staff token (Authorization: Bearer …)")
        assert self.user is not None
        if self.user.role is not Role.ADMIN and self.user.role not in self.write_roles:
            roles = ", ".join(sorted(role.value for role in self.write_roles | {Role.ADMIN}))
            raise Forbidden(f"changing {self.label} records needs one of the roles: {roles}")

    def visible(self, statement: Select[Any]) -> Select[Any]:
        """Restrict what anonymous visitors see; staff see everything."""
        return statement

    def scope(self, attribute: str, value: Any) -> ColumnElement[bool]:
        """A filter "attribute equals value"; services override it for derived attributes."""
        return getattr(self.model, attribute) == value

    # ---- reads -----------------------------------------------------------------------------

    def _base_statement(self) -> Select[Any]:
        statement = select(self.model)
        if not self.is_staff:
            statement = self.visible(statement)
        return statement

    async def list(
        self, where: Sequence[ColumnElement[bool]] = (), *, limit: int = 50, offset: int = 0
    ) -> tuple[list[ModelT], int]:
        self.require_read()
        statement = self._base_statement().where(*where)
        statement = statement.order_by(*(getattr(self.model, name) for name in self.order_by))
        items, total = await self.repository.get_many_and_count(
            LimitOffset(limit=limit, offset=offset),
            statement=statement,
            load=list(self.load),
            count_with_window_function=False,
            use_cache=False,
        )
        return list(items), total

    async def get(self, item_id: int) -> ModelT:
        self.require_read()
        statement = self._base_statement().where(self.model.id == item_id)
        for option in self.load:
            statement = statement.options(option)
        instance = (await self.db.execute(statement)).scalars().first()
        if instance is None:
            raise NotFound(f"no {self.label} with id {item_id}")
        return instance

    async def _get_for_write(self, item_id: int) -> ModelT:
        self.require_write()
        statement = select(self.model).where(self.model.id == item_id).options(*self.load)
        instance = (await self.db.execute(statement)).scalars().first()
        if instance is None:
            raise NotFound(f"no {self.label} with id {item_id}")
        return instance  # type: ignore[return-value]

    # ---- writes ----------------------------------------------------------------------------

    async def validate(self, values: dict[str, Any], current: ModelT | None) -> None:
        """Domain rules of the entity; raise Invalid or Conflict. ``values`` are the new values."""

    def apply(self, instance: ModelT, values: dict[str, Any]) -> None:
        columns = {prop.key for prop in self.model.__mapper__.column_attrs}
        for key, value in values.items():
            if key in columns:
                setattr(instance, key, value)

    async def event_id_for(self, instance: ModelT) -> int | None:
        return getattr(instance, "event_id", None)

    async def create(self, values: dict[str, Any]) -> ModelT:
        self.require_write()
        await self._check(values, None)
        instance: ModelT = self.model()  # type: ignore[assignment]
        self.apply(instance, values)
        self.db.add(instance)
        await self._flush()
        await self._audit(AuditAction.CREATE, instance, None)
        return await self._reload(instance)

    async def update(self, item_id: int, values: dict[str, Any]) -> ModelT:
        instance = await self._get_for_write(item_id)
        before = snapshot(instance)
        original = instance.to_dict()
        merged = {**original, **values}
        await self._check(merged, instance, changed=set(values))
        # Keep what validate() derived (normalised or computed values) along with what was sent.
        changes = {
            key: value
            for key, value in merged.items()
            if key in values or key not in original or value != original[key]
        }
        self.apply(instance, changes)
        await self._flush()
        await self._audit(AuditAction.UPDATE, instance, before)
        return await self._reload(instance)

    async def delete(self, item_id: int) -> None:
        instance = await self._get_for_write(item_id)
        await self._check_not_referenced(instance)
        before = snapshot(instance)
        event_id = await self.event_id_for(instance)
        await self.db.delete(instance)
        await self._flush()
        await self._write_audit(AuditAction.DELETE, instance, event_id, before, None)

    async def _reload(self, instance: ModelT) -> ModelT:
        statement = select(self.model).where(self.model.id == instance.id)
        for option in self.load:
            statement = statement.options(option)
        result = await self.db.execute(statement.execution_options(populate_existing=True))
        return cast(ModelT, result.scalars().one())

    async def _flush(self) -> None:
        try:
            await self.db.flush()
        except (IntegrityError, AAIntegrityError) as exc:
            raise integrity_conflict(exc) from exc

    async def _audit(
        self, action: AuditAction, instance: ModelT, before: dict[str, Any] | None
    ) -> None:
        after = snapshot(instance)
        if before == after:
            return
        await self._write_audit(action, instance, await self.event_id_for(instance), before, after)

    async def _write_audit(
        self,
        action: AuditAction,
        instance: ModelT,
        event_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        self.db.add(
            AuditEntry(
                user_id=self.user.id if self.user else None,
                action=action,
                entity=str(self.model.__tablename__),
                entity_id=instance.id,
                event_id=event_id,
                before=before,
                after=after,
            )
        )
        await self.db.flush()

    # ---- generic checks --------------------------------------------------------------------

    async def _check(
        self, values: dict[str, Any], current: ModelT | None, changed: set[str] | None = None
    ) -> None:
        await self._check_references(values, changed)
        await self.validate(values, current)
        await self._check_unique(values, current, changed)

    async def _check_references(self, values: dict[str, Any], changed: set[str] | None) -> None:
        errors = []
        for constraint in self.table.foreign_key_constraints:
            assert isinstance(constraint, ForeignKeyConstraint)
            (column,) = constraint.columns
            key = self._attribute_for_column(column.name)
            if changed is not None and key not in changed:
                continue
            value = values.get(key)
            if value is None:
                continue
            target = constraint.referred_table
            found = await self.db.scalar(select(target.c.id).where(target.c.id == value))
            if found is None:
                errors.append(
                    FieldError(key, f"no {target.name.replace('_', ' ')} with id {value}")
                )
        if errors:
            raise Invalid("; ".join(f"{e.field}: {e.message}" for e in errors), errors)

    async def _check_unique(
        self, values: dict[str, Any], current: ModelT | None, changed: set[str] | None
    ) -> None:
        table = self.table
        groups = [
            [column.name for column in constraint.columns]
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        ]
        groups += [[column.name] for column in table.columns if column.unique]
        for names in groups:
            keys = [self._attribute_for_column(name) for name in names]
            if changed is not None and not changed.intersection(keys):
                continue
            if any(values.get(key) is None for key in keys):
                continue
            statement = select(self.model.id).where(
                *(getattr(self.model, key) == values[key] for key in keys)
            )
            if current is not None:
                statement = statement.where(self.model.id != current.id)
            if await self.db.scalar(statement.limit(1)) is not None:
                raise unique_conflict(table.name, names)

    async def references(self, instance: ModelT) -> dict[str, int]:
        """What keeps ``instance`` from being deleted: the number of rows per table.

        Rows that point at it with ON DELETE RESTRICT, and those in ``kept_by`` (which the
        database would quietly clear, but people should see to first).
        """
        columns: dict[str, list[Any]] = {}
        for table in self.model.metadata.tables.values():
            for constraint in table.foreign_key_constraints:
                if constraint.referred_table is not self.table:
                    continue
                (column,) = constraint.columns
                restricts = (constraint.ondelete or "").upper() in {"RESTRICT", "NO ACTION", ""}
                if restricts or f"{table.name}.{column.name}" in self.kept_by:
                    columns.setdefault(table.name, []).append(column)
        found: dict[str, int] = {}
        for name, referring in columns.items():
            table = self.model.metadata.tables[name]
            count = await self.db.scalar(
                select(func.count())
                .select_from(table)
                .where(or_(*(column == instance.id for column in referring)))
            )
            if count:
                found[name] = int(count)
        return found

    async def _check_not_referenced(self, instance: ModelT) -> None:
        """Refuse to delete what other records still point at (see :meth:`references`)."""
        found = await self.references(instance)
        if found:
            listed = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in found.items())
            raise Conflict(
                f"this {self.label} is still referenced by {listed}; remove those first",
                [FieldError("id", "still referenced by " + listed)],
            )

    def _attribute_for_column(self, column_name: str) -> str:
        for prop in self.model.__mapper__.column_attrs:
            if isinstance(prop, ColumnProperty) and prop.columns[0].name == column_name:
                return prop.key
        return column_name
