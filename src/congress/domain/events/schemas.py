from __future__ import annotations

import datetime as dt
from fractions import Fraction

from pydantic import Field, field_validator

from congress.domain.common import (
    MAX_INT,
    MAX_ITEMS,
    MAX_LANGUAGES,
    AwareDatetime,
    CountryCode,
    Id,
    LanguageCode,
    ReadSchema,
    Schema,
    Slug,
    TimeZoneName,
    TranslatableParagraph,
    TranslatableText,
    known_language,
    partial,
)
from congress.domain.events.enums import EventStatus, ParticipantCategory


class VenueCreate(Schema):
    name: TranslatableText
    address: TranslatableParagraph | None = None
    city: str | None = Field(default=None, max_length=200)
    country: CountryCode | None = None
    capacity: int | None = Field(default=None, ge=0, le=MAX_INT)


VenueUpdate = partial(VenueCreate)


class RoomRead(ReadSchema):
    venue_id: Id
    name: dict[str, str]
    capacity: int | None


class VenueRead(ReadSchema):
    name: dict[str, str]
    address: dict[str, str] | None
    city: str | None
    country: str | None
    capacity: int | None
    rooms: list[RoomRead]


class RoomCreate(Schema):
    venue_id: Id
    name: TranslatableText
    capacity: int | None = Field(default=None, ge=0, le=MAX_INT)


RoomUpdate = partial(RoomCreate)


class EventCreate(Schema):
    slug: Slug
    acronym: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_-]{3,39}$",
        max_length=40,
        description="frab acronym, ≥ 4 chars",
    )
    name: TranslatableText
    edition: int | None = Field(default=None, ge=1, le=MAX_INT)
    series: str | None = Field(default=None, max_length=200)
    occasion: TranslatableParagraph | None = None
    description: TranslatableParagraph | None = None
    start_date: dt.date
    end_date: dt.date
    timezone: TimeZoneName = "UTC"
    venue_id: Id | None = None
    languages: list[LanguageCode] = Field(
        default_factory=lambda: ["en"],
        min_length=1,
        max_length=MAX_LANGUAGES,
        description="Primary language first",
    )
    status: EventStatus = EventStatus.DRAFT
    organizer_ids: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    registration_opens_at: AwareDatetime | None = None
    registration_closes_at: AwareDatetime | None = None
    registration_categories: list[ParticipantCategory] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )
    quorum: str | None = Field(
        default=None,
        max_length=40,
        description="The quorum the event's votes require: a number of delegates (31), or a "
        "share of the accredited delegates to exceed (1/2, 2/3); empty: more than half. A roll "
        "call may set its own.",
        examples=["1/2", "31"],
    )

    @field_validator("quorum")
    @classmethod
    def _quorum(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if value.isdigit():
            return str(int(value))
        try:
            share = Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise ValueError("a number of delegates (31) or a share such as 1/2 or 2/3") from None
        if not 0 < share <= 1:
            raise ValueError("a share lies between 0 (excluded) and 1")
        return str(share)

    @field_validator("languages")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each language only once")
        for code in value:
            if not known_language(code):
                raise ValueError(f"unknown language code {code!r}")
        return value


EventUpdate = partial(EventCreate)


class OrganizerBrief(ReadSchema):
    name: dict[str, str]
    short_name: str | None
    kind: str
    country: str | None


class EventRead(ReadSchema):
    slug: str
    acronym: str | None
    name: dict[str, str]
    edition: int | None
    series: str | None
    occasion: dict[str, str] | None
    description: dict[str, str] | None
    start_date: dt.date
    end_date: dt.date
    timezone: str
    venue_id: Id | None
    languages: list[str]
    status: EventStatus
    organizers: list[OrganizerBrief]
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    registration_categories: list[str]
    quorum: str | None
