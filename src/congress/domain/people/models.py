"""Bodies, people and the positions people hold in bodies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from congress.db.base import Base, Translatable, TranslatableMap, fk, uid_column
from congress.db.enum import enum_column
from congress.domain.people.enums import OrganizationKind


class Organization(Base):
    uid: Mapped[str] = uid_column()
    name: Mapped[TranslatableMap] = mapped_column(Translatable)
    short_name: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[OrganizationKind] = enum_column(OrganizationKind, default=OrganizationKind.OTHER)
    country: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(500))
    parent_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)

    parent: Mapped[Organization | None] = relationship(
        remote_side="Organization.id", lazy="raise", back_populates="children"
    )
    children: Mapped[list[Organization]] = relationship(lazy="raise", back_populates="parent")

    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )


class Person(Base):
    uid: Mapped[str] = uid_column()
    given_name: Mapped[TranslatableMap] = mapped_column(Translatable, default=dict)
    family_name: Mapped[TranslatableMap] = mapped_column(Translatable)
    # East Asian and Hungarian names are written family name first.
    family_name_first: Mapped[bool] = mapped_column(default=False)
    honorific: Mapped[TranslatableMap | None] = mapped_column(Translatable)
    photo_key: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    # Private contacts: never shown to anonymous visitors.
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(String(4000))

    positions: Mapped[list[Position]] = relationship(
        lazy="raise", back_populates="person", order_by="Position.id"
    )


class Position(Base):
    person_id: Mapped[int] = fk("person.id")
    organization_id: Mapped[int | None] = fk("organization.id", ondelete="SET NULL", nullable=True)
    title: Mapped[TranslatableMap] = mapped_column(Translatable)
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]

    person: Mapped[Person] = relationship(lazy="raise", back_populates="positions")
    organization: Mapped[Organization | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="dates_ordered"
        ),
    )
