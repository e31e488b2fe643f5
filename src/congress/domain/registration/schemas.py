from __future__ import annotations

import datetime as dt

from pydantic import EmailStr, Field

from congress.domain.common import (
    MAX_INT,
    CountryCode,
    Id,
    Name,
    ReadSchema,
    Schema,
    TranslatableText,
    partial,
)
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus


class DelegationCreate(Schema):
    name: TranslatableText
    organization_id: Id | None = None
    country: CountryCode | None = None
    head_id: Id | None = None
    quota: int | None = Field(default=None, ge=0, le=MAX_INT)


DelegationUpdate = partial(DelegationCreate)


class DelegationRead(ReadSchema):
    event_id: Id
    name: dict[str, str]
    organization_id: Id | None
    country: str | None
    head_id: Id | None
    quota: int | None


class ParticipantCreate(Schema):
    person_id: Id
    category: ParticipantCategory = ParticipantCategory.GUEST
    status: ParticipantStatus = ParticipantStatus.REGISTERED
    delegation_id: Id | None = None
    organization_id: Id | None = None
    position_id: Id | None = None
    badge_number: str | None = Field(default=None, max_length=32)
    consent_publication: bool = False
    notes: str | None = Field(default=None, max_length=4000)


ParticipantUpdate = partial(ParticipantCreate)


class ParticipantRead(ReadSchema):
    event_id: Id
    person_id: Id
    category: ParticipantCategory
    status: ParticipantStatus
    delegation_id: Id | None
    organization_id: Id | None
    position_id: Id | None
    badge_number: str | None
    qr_token: str
    consent_publication: bool
    registered_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    notes: str | None


class PublicRegistration(Schema):
    """What a visitor types into the public registration form."""

    given_name: str = Field(default="", max_length=200)
    family_name: Name
    email: EmailStr
    phone: str = Field(default="", max_length=64)
    organization: str = Field(default="", max_length=300)
    position: str = Field(default="", max_length=300)
    category: ParticipantCategory
    consent_publication: bool = False
