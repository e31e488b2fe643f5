from __future__ import annotations

import datetime as dt

from pydantic import EmailStr, Field

from congress.domain.common import (
    CountryCode,
    Name,
    ReadSchema,
    Schema,
    TranslatableText,
    partial,
)
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus


class DelegationCreate(Schema):
    name: TranslatableText
    organization_id: int | None = None
    country: CountryCode | None = None
    head_id: int | None = None
    quota: int | None = Field(default=None, ge=0)


DelegationUpdate = partial(DelegationCreate)


class DelegationRead(ReadSchema):
    event_id: int
    name: dict[str, str]
    organization_id: int | None
    country: str | None
    head_id: int | None
    quota: int | None


class ParticipantCreate(Schema):
    person_id: int
    category: ParticipantCategory = ParticipantCategory.GUEST
    status: ParticipantStatus = ParticipantStatus.REGISTERED
    delegation_id: int | None = None
    organization_id: int | None = None
    position_id: int | None = None
    badge_number: str | None = Field(default=None, max_length=32)
    consent_publication: bool = False
    notes: str | None = Field(default=None, max_length=4000)


ParticipantUpdate = partial(ParticipantCreate)


class ParticipantRead(ReadSchema):
    event_id: int
    person_id: int
    category: ParticipantCategory
    status: ParticipantStatus
    delegation_id: int | None
    organization_id: int | None
    position_id: int | None
    badge_number: str | None
    qr_token: str
    short_code: str
    consent_publication: bool
    registered_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    notes: str | None


class PublicRegistration(Schema):
    """What a visitor types into the public registration form."""

    given_name: str | None = Field(default=None, max_length=200)
    family_name: Name
    email: EmailStr
    phone: str | None = Field(default=None, max_length=64)
    organization: str | None = Field(default=None, max_length=300)
    position: str | None = Field(default=None, max_length=300)
    category: ParticipantCategory
    consent_publication: bool = False


class ParticipantForm(Schema):
    """A participant as registrars enter them: the person and the accreditation together."""

    given_name: str | None = Field(default=None, max_length=200)
    family_name: Name
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=64)
    organization: str | None = Field(default=None, max_length=300)
    category: ParticipantCategory = ParticipantCategory.GUEST
    delegation_id: int | None = None
    status: ParticipantStatus = ParticipantStatus.REGISTERED
    badge_number: str | None = Field(default=None, max_length=32)
    consent_publication: bool = False
    notes: str | None = Field(default=None, max_length=4000)


class DelegationForm(Schema):
    name: Name
    quota: int | None = Field(default=None, ge=0)
