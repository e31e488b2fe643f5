from __future__ import annotations

import datetime as dt

from pydantic import EmailStr, Field

from congress.domain.common import (
    CountryCode,
    Id,
    ReadSchema,
    Schema,
    TranslatableOptional,
    TranslatableText,
    WebAddress,
    partial,
)
from congress.domain.people.enums import OrganizationKind


class OrganizationCreate(Schema):
    name: TranslatableText
    short_name: str | None = Field(default=None, max_length=64)
    kind: OrganizationKind = OrganizationKind.OTHER
    country: CountryCode | None = None
    website: WebAddress | None = None
    parent_id: Id | None = None


OrganizationUpdate = partial(OrganizationCreate)


class OrganizationRead(ReadSchema):
    name: dict[str, str]
    short_name: str | None
    kind: OrganizationKind
    country: str | None
    website: str | None
    parent_id: Id | None


class PersonCreate(Schema):
    family_name: TranslatableText
    given_name: TranslatableOptional = Field(default_factory=dict)
    family_name_first: bool = False
    honorific: TranslatableOptional | None = None
    country: CountryCode | None = None
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=64)
    notes: str | None = Field(default=None, max_length=4000)
    confirmed_new: bool = Field(
        default=False,
        description="add the person even though somebody with the same name exists",
    )


PersonUpdate = partial(PersonCreate)


class PositionBrief(ReadSchema):
    organization_id: Id | None
    title: dict[str, str]
    start_date: dt.date | None
    end_date: dt.date | None


class PersonRead(ReadSchema):
    family_name: dict[str, str]
    given_name: dict[str, str]
    family_name_first: bool
    honorific: dict[str, str] | None
    country: str | None
    email: str | None = Field(description="Staff only")
    phone: str | None = Field(description="Staff only")
    notes: str | None = Field(description="Staff only")
    positions: list[PositionBrief]


class PositionCreate(Schema):
    person_id: Id
    organization_id: Id | None = None
    title: TranslatableText
    start_date: dt.date | None = None
    end_date: dt.date | None = None


PositionUpdate = partial(PositionCreate)


class PositionRead(ReadSchema):
    person_id: Id
    organization_id: Id | None
    title: dict[str, str]
    start_date: dt.date | None
    end_date: dt.date | None
