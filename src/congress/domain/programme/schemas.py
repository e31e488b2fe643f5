from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from congress.domain.common import (
    MAX_INT,
    MAX_ITEMS,
    MAX_LANGUAGES,
    AwareDatetime,
    Id,
    LanguageCode,
    ReadSchema,
    Schema,
    TranslatableDocument,
    TranslatableOptional,
    TranslatableParagraph,
    TranslatableText,
    partial,
    require_text,
)
from congress.domain.programme.enums import (
    AgendaItemKind,
    AwardKind,
    SeatRole,
    SessionKind,
    SpeechKind,
    TranscriptStatus,
)


class SessionCreate(Schema):
    title: TranslatableText
    description: TranslatableParagraph | None = None
    kind: SessionKind = SessionKind.PLENARY
    room_id: Id | None = None
    planned_start: AwareDatetime
    planned_end: AwareDatetime
    actual_start: AwareDatetime | None = None
    actual_end: AwareDatetime | None = None


SessionUpdate = partial(SessionCreate)


class SessionRead(ReadSchema):
    event_id: Id
    title: dict[str, str]
    description: dict[str, str] | None
    kind: SessionKind
    room_id: Id | None
    planned_start: dt.datetime
    planned_end: dt.datetime
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None


class PresidiumSeatCreate(Schema):
    seat_number: int = Field(
        ge=1, le=MAX_INT, description="Left to right as seen from the hall, from 1"
    )
    person_id: Id
    position_id: Id | None = None
    role: SeatRole = SeatRole.MEMBER


PresidiumSeatUpdate = partial(PresidiumSeatCreate)


class PresidiumSeatRead(ReadSchema):
    session_id: Id
    seat_number: int
    person_id: Id
    position_id: Id | None
    role: SeatRole


class AgendaItemCreate(Schema):
    kind: AgendaItemKind
    position: int | None = Field(
        default=None, ge=1, le=MAX_INT, description="Omit to append at the end"
    )
    title: TranslatableOptional | None = None
    notes: str | None = Field(default=None, max_length=4000)
    planned_start: AwareDatetime | None = None
    planned_end: AwareDatetime | None = None
    actual_start: AwareDatetime | None = None
    actual_end: AwareDatetime | None = None


AgendaItemUpdate = partial(AgendaItemCreate)


class AgendaItemRead(ReadSchema):
    session_id: Id
    position: int
    kind: AgendaItemKind
    title: dict[str, str] | None
    notes: str | None
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None


class AgendaOrder(Schema):
    item_ids: list[Id] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Every item of the session, in order"
    )


class SpeakerIn(Schema):
    person_id: Id
    position_id: Id | None = None
    on_behalf_of_id: Id | None = None
    capacity: TranslatableParagraph | None = None


class SpeakerRead(ReadSchema):
    person_id: Id
    order: int
    position_id: Id | None
    on_behalf_of_id: Id | None
    capacity: dict[str, str] | None


class SpeechCreate(Schema):
    session_id: Id | None = Field(
        default=None, description="Creates the agenda item at the end of this session"
    )
    agenda_item_id: Id | None = Field(default=None, description="An existing speech agenda item")
    kind: SpeechKind = SpeechKind.ADDRESS
    title: TranslatableOptional | None = None
    language: LanguageCode
    speakers: list[SpeakerIn] = Field(min_length=1, max_length=MAX_ITEMS)
    transcript: TranslatableDocument = Field(default_factory=dict)
    transcript_status: dict[LanguageCode, TranscriptStatus] = Field(
        default_factory=dict, max_length=MAX_LANGUAGES
    )
    approved: bool = False

    @field_validator("speakers")
    @classmethod
    def _distinct_speakers(cls, value: list[SpeakerIn]) -> list[SpeakerIn]:
        people = [speaker.person_id for speaker in value]
        if len(set(people)) != len(people):
            raise ValueError("a person can be listed only once among the speakers")
        return value


SpeechUpdate = partial(SpeechCreate)


class SpeechRead(ReadSchema):
    agenda_item_id: Id
    kind: SpeechKind
    title: dict[str, str] | None
    language: str
    speakers: list[SpeakerRead]
    transcript: dict[str, str]
    transcript_status: dict[str, str]
    approved: bool
    approved_at: dt.datetime | None


class AwardCreate(Schema):
    session_id: Id | None = None
    agenda_item_id: Id | None = None
    kind: AwardKind = AwardKind.BADGE
    name: TranslatableText
    recipient_id: Id
    presenter_id: Id | None = None
    citation: TranslatableParagraph | None = None


AwardUpdate = partial(AwardCreate)


class AwardRead(ReadSchema):
    agenda_item_id: Id
    kind: AwardKind
    name: dict[str, str]
    recipient_id: Id
    presenter_id: Id | None
    citation: dict[str, str] | None


class GiftCreate(Schema):
    session_id: Id | None = None
    agenda_item_id: Id | None = None
    giver_id: Id
    recipient_id: Id
    received_by_id: Id | None = Field(
        default=None, description="Who accepted it on the recipient's behalf"
    )
    description: Annotated[TranslatableParagraph, AfterValidator(require_text)]


GiftUpdate = partial(GiftCreate)


class GiftRead(ReadSchema):
    agenda_item_id: Id
    giver_id: Id
    recipient_id: Id
    received_by_id: Id | None
    description: dict[str, str]
    by_proxy: bool
