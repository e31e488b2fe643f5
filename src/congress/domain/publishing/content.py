"""What the programme and the proceedings print, read from the database in one language.

The loaders run a fixed number of queries whatever the event's size, and turn the models into
plain, already-translated values: the templates then only lay them out, and nothing touches the
database (or a lazy relationship) while a document is rendered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.events.models import Event
from congress.domain.people.models import Person, Position
from congress.domain.people.services import person_name
from congress.domain.programme.enums import AgendaItemKind, TranscriptStatus
from congress.domain.programme.models import AgendaItem, PresidiumSeat, Session, SpeechSpeaker
from congress.domain.programme.queries import load_programme
from congress.domain.publishing.models import MediaItem
from congress.domain.publishing.services import PRINTED_TABLES, data_version
from congress.domain.registration.enums import LISTED_STATUSES
from congress.domain.registration.models import Delegation, Participant
from congress.errors import Invalid
from congress.messages import gettext_in, language_name, pgettext_in
from congress.server.templating import date_text, time_text, weekday_text
from congress.translation import resolve


@dataclass(slots=True)
class Text:
    """A translated text and how it came to be in this language."""

    text: str
    language: str | None = None
    note: str = ""  # "Translation from Russian", "Not available in …; shown in …"


@dataclass(slots=True)
class Seat:
    name: str
    position: str
    role: str


@dataclass(slots=True)
class Speaker:
    person_id: int
    name: str
    sort_key: str
    capacity: str  # position, organization, "on behalf of …", free wording


@dataclass(slots=True)
class Item:
    anchor: str
    number: int
    kind: str
    title: str
    time: str
    speakers: list[Speaker] = field(default_factory=list)
    transcript: Text | None = None
    award: dict[str, str] | None = None
    gift: dict[str, str] | None = None
    notes: str = ""


@dataclass(slots=True)
class Photo:
    src: str
    caption: str
    credit: str


@dataclass(slots=True)
class SessionDoc:
    id: int
    anchor: str
    title: str
    kind: str
    day: dt.date
    day_text: str  # the day as the document's language writes it
    time: str
    held_time: str
    room: str
    description: str  # organizer HTML, sanitised by the template's |rich filter
    presidium: list[Seat]
    items: list[Item]
    photos: list[Photo] = field(default_factory=list)

    @property
    def speeches(self) -> list[Item]:
        return [item for item in self.items if item.kind == AgendaItemKind.SPEECH]

    @property
    def weight(self) -> int:
        """Roughly how long the session takes to lay out (for splitting the work)."""
        text = sum(len(item.transcript.text) for item in self.items if item.transcript)
        return 2_000 + text + 300 * (len(self.items) + len(self.presidium) + len(self.photos))


@dataclass(slots=True)
class Day:
    date: dt.date
    label: str
    sessions: list[SessionDoc]


@dataclass(slots=True)
class EventDoc:
    id: int
    slug: str
    lang: str
    languages: list[str]
    name: str
    edition: str
    occasion: str
    description: str
    dates: str
    venue: str
    organizers: list[str]
    days: list[Day]

    @property
    def sessions(self) -> list[SessionDoc]:
        return [session for day in self.days for session in day.sessions]


@dataclass(slots=True)
class Listed:
    name: str
    sort_key: str
    affiliation: str
    category: str


@dataclass(slots=True)
class DelegationDoc:
    anchor: str
    name: str
    head: str
    members: list[Listed]


@dataclass(slots=True)
class IndexEntry:
    name: str
    anchors: list[str]


def require_language(event: Event, lang: str) -> str:
    if lang not in event.languages:
        message = f"{lang!r} is not a language of this event ({', '.join(event.languages)})"
        raise Invalid.field("lang", message)
    return lang


class _Reader:
    """Translating and formatting helpers bound to one event and language."""

    def __init__(self, event: Event, lang: str) -> None:
        self.event = event
        self.lang = lang
        self.zone = zoneinfo.ZoneInfo(event.timezone)

    def text(self, value: dict[str, str] | None) -> str:
        return resolve(value, self.lang, self.event.languages).text

    def name(self, person: Person) -> str:
        return person_name(person, self.lang, self.event.languages)

    def sort_key(self, person: Person) -> str:
        family = resolve(person.family_name, self.lang, self.event.languages).text
        given = resolve(person.given_name, self.lang, self.event.languages).text
        return f"{family} {given}".casefold()

    def position(self, position: Position | None) -> str:
        if position is None:
            return ""
        title = self.text(position.title)
        organization = self.text(position.organization.name) if position.organization else ""
        if organization and names(title, organization):
            return title  # "Adviser of the Embassy of X", not "…, Embassy of X" again
        return ", ".join(part for part in (title, organization) if part)

    def date(self, day: dt.date, form: str = "long") -> str:
        if form == "full":
            return weekday_text(day, lang=self.lang)
        return date_text(day, lang=self.lang)

    def clock(self, moment: dt.datetime | None) -> str:
        return time_text(moment, tz=self.zone, lang=self.lang)

    def span(self, start: dt.datetime | None, end: dt.datetime | None) -> str:
        return "–".join(part for part in (self.clock(start), self.clock(end)) if part)

    def transcript(self, value: dict[str, str], original: str, status: dict[str, str]) -> Text:
        served = resolve(value, self.lang, self.event.languages)
        if not served.text:
            return Text("", None, gettext_in(self.lang, "No transcript has been recorded."))
        note = ""
        language = served.language or original
        if served.is_fallback:
            note = gettext_in(
                self.lang,
                "Not available in %(requested)s; shown in %(served)s",
                requested=language_name(self.lang, self.lang, capitalized=False),
                served=language_name(language, self.lang, capitalized=False),
            )
        elif language != original:
            how = status.get(language, TranscriptStatus.TRANSLATION)
            source = language_name(original, self.lang, capitalized=False)
            if how == TranscriptStatus.INTERPRETATION:
                note = gettext_in(self.lang, "Interpretation from %(language)s", language=source)
            else:
                note = gettext_in(self.lang, "Translation from %(language)s", language=source)
        return Text(served.text, language, note)


def _speaker(reader: _Reader, speaker: SpeechSpeaker) -> Speaker:
    return Speaker(
        speaker.person_id,
        reader.name(speaker.person),
        reader.sort_key(speaker.person),
        capacity_line(
            reader.lang,
            reader.text(speaker.position.title) if speaker.position else "",
            reader.text(speaker.position.organization.name)
            if speaker.position and speaker.position.organization
            else "",
            reader.text(speaker.on_behalf_of.name) if speaker.on_behalf_of else "",
            reader.text(speaker.capacity),
        ),
    )


def _stems(text: str) -> set[str]:
    return {word[:5] for word in re.findall(r"\w{4,}", text.casefold())}


def names(text: str, organization: str) -> bool:
    """Whether ``text`` (a position's title) already names ``organization``: it contains it,
    or all that follows the organization's first word when that is three words or more
    ("Adviser to the Ambassador of the People's Republic of China in Austria" names the
    "Embassy of the People's Republic of China in Austria")."""
    if organization.casefold() in text.casefold():
        return True
    rest = _stems(organization.split(maxsplit=1)[1]) if " " in organization else set()
    return len(rest) >= 3 and rest <= _stems(text)


def capacity_line(lang: str, title: str, organization: str, on_behalf_of: str, free: str) -> str:
    """The capacity a speaker spoke in, each organization named once: "Minister-Counsellor
    of the Embassy of X" does not go on with ", Embassy of X; on behalf of Embassy of X".
    "On behalf of" is worded so that it needs no grammatical case ("от имени: …")."""

    def said(name: str, *earlier: str) -> bool:
        return any(names(part, name) for part in earlier if part)

    position = title
    if organization and not said(organization, title):
        position = ", ".join(part for part in (title, organization) if part)
    parts = [position]
    if on_behalf_of and not said(on_behalf_of, position, free):
        parts.append(gettext_in(lang, "on behalf of %(org)s", org=on_behalf_of))
    if free and not said(free, position):
        parts.append(free)
    return "; ".join(part for part in parts if part)


def _item(reader: _Reader, item: AgendaItem) -> Item:
    doc = Item(
        anchor=f"item-{item.id}",
        number=item.position,
        kind=item.kind.value,
        title=reader.text(item.title),
        time=reader.span(
            item.actual_start or item.planned_start, item.actual_end or item.planned_end
        ),
        notes=item.notes or "",
    )
    if item.speech is not None:
        speech = item.speech
        doc.speakers = [_speaker(reader, speaker) for speaker in speech.speakers]
        if not doc.title:
            doc.title = reader.text(speech.title)
        doc.transcript = reader.transcript(
            speech.transcript, speech.language, speech.transcript_status
        )
    if item.award is not None:
        award = item.award
        doc.award = {
            "name": reader.text(award.name),
            "recipient": reader.name(award.recipient),
            "presenter": reader.name(award.presenter) if award.presenter else "",
            "citation": reader.text(award.citation),
        }
        if not doc.title:
            doc.title = doc.award["name"]
    if item.gift is not None:
        gift = item.gift
        doc.gift = {
            "giver": reader.name(gift.giver),
            "recipient": reader.name(gift.recipient),
            "received_by": reader.name(gift.received_by) if gift.received_by else "",
            "description": reader.text(gift.description),
        }
    if not doc.title:
        titles = {
            "award": gettext_in(reader.lang, "Award"),
            "gift": pgettext_in(reader.lang, "print", "Gift"),
        }
        doc.title = titles.get(doc.kind, "")
    return doc


def _seat(reader: _Reader, seat: PresidiumSeat) -> Seat:
    return Seat(reader.name(seat.person), reader.position(seat.position), seat.role.value)


def _session(reader: _Reader, session: Session, photos: Sequence[MediaItem]) -> SessionDoc:
    start = session.actual_start or session.planned_start
    return SessionDoc(
        id=session.id,
        anchor=f"session-{session.id}",
        title=reader.text(session.title),
        kind=session.kind.value,
        day=session.planned_start.astimezone(reader.zone).date(),
        day_text=reader.date(session.planned_start.astimezone(reader.zone).date()),
        time=reader.span(session.planned_start, session.planned_end),
        held_time=reader.span(start, session.actual_end or session.planned_end),
        room=reader.text(session.room.name) if session.room else "",
        description=reader.text(session.description),
        presidium=[_seat(reader, seat) for seat in session.presidium],
        items=[_item(reader, item) for item in session.agenda],
        photos=[
            Photo(f"/media/{photo.storage_key}", reader.text(photo.caption), photo.credit or "")
            for photo in photos
        ],
    )


async def load_event_doc(
    db: AsyncSession, event: Event, lang: str, *, full: bool = False
) -> EventDoc:
    """The event and its sessions by day; ``full`` adds presidium, awards, gifts and photos.

    ``event`` must come with its venue and organizers loaded (``public_event`` does that).
    """
    reader = _Reader(event, require_language(event, lang))
    sessions = await load_programme(db, event, full=True)
    photos: dict[int | None, list[MediaItem]] = {}
    if full:
        statement = (
            select(MediaItem)
            .where(MediaItem.event_id == event.id, MediaItem.content_type.like("image/%"))
            .order_by(MediaItem.session_id, MediaItem.position, MediaItem.id)
        )
        for item in (await db.scalars(statement)).all():
            photos.setdefault(item.session_id, []).append(item)
    # Turning thousands of rows into text is CPU work: off the event loop (all is loaded).
    docs = await asyncio.to_thread(
        lambda: [_session(reader, session, photos.get(session.id, [])) for session in sessions]
    )
    days = [
        Day(day, reader.date(day, "full"), list(group))
        for day, group in groupby(docs, key=lambda doc: doc.day)
    ]
    venue = event.venue
    first, last = event.start_date, event.end_date
    dates = reader.date(first) if first == last else f"{reader.date(first)} – {reader.date(last)}"
    return EventDoc(
        id=event.id,
        slug=event.slug,
        lang=lang,
        languages=list(event.languages),
        name=reader.text(event.name),
        edition=gettext_in(lang, "Edition %(n)s", n=event.edition) if event.edition else "",
        occasion=reader.text(event.occasion),
        description=reader.text(event.description),
        dates=dates,
        venue=", ".join(
            part
            for part in (
                reader.text(venue.name) if venue else "",
                reader.text(venue.address) if venue else "",
            )
            if part
        ),
        organizers=[reader.text(organization.name) for organization in event.organizers],
        days=days,
    )


async def load_delegations(db: AsyncSession, event: Event, lang: str) -> list[DelegationDoc]:
    """Participants who consented to appear in published lists, by delegation."""
    reader = _Reader(event, lang)
    statement = (
        select(Participant)
        .where(
            Participant.event_id == event.id,
            Participant.consent_publication.is_(True),
            Participant.status.in_(LISTED_STATUSES),
        )
        .options(
            selectinload(Participant.person),
            selectinload(Participant.organization),
            selectinload(Participant.position).selectinload(Position.organization),
            selectinload(Participant.delegation).selectinload(Delegation.head),
        )
    )
    participants = (await db.scalars(statement)).all()
    return await asyncio.to_thread(_delegation_docs, reader, participants)


def _delegation_docs(reader: _Reader, participants: Sequence[Participant]) -> list[DelegationDoc]:
    lang = reader.lang
    groups: dict[int | None, list[Participant]] = {}
    for participant in participants:
        groups.setdefault(participant.delegation_id, []).append(participant)
    docs: list[DelegationDoc] = []
    for delegation_id, members in groups.items():
        delegation = members[0].delegation
        listed = sorted(
            (
                Listed(
                    reader.name(member.person),
                    reader.sort_key(member.person),
                    reader.position(member.position)
                    or (reader.text(member.organization.name) if member.organization else ""),
                    member.category.value,
                )
                for member in members
            ),
            key=lambda entry: entry.sort_key,
        )
        head = delegation.head if delegation else None
        consented = {member.person_id for member in members}
        docs.append(
            DelegationDoc(
                anchor=f"delegation-{delegation_id or 0}",
                name=reader.text(delegation.name)
                if delegation
                else gettext_in(lang, "Not in a delegation"),
                # The head is named only when they, too, agreed to be listed.
                head=reader.name(head) if head and head.id in consented else "",
                members=listed,
            )
        )
    docs.sort(key=lambda doc: (doc.anchor == "delegation-0", doc.name.casefold()))
    return docs


def speaker_index(event: EventDoc) -> list[IndexEntry]:
    entries: dict[int, tuple[str, str, list[str]]] = {}
    for session in event.sessions:
        for item in session.speeches:
            for speaker in item.speakers:
                entry = entries.setdefault(speaker.person_id, (speaker.sort_key, speaker.name, []))
                entry[2].append(item.anchor)
    return [
        IndexEntry(name, anchors)
        for _, name, anchors in sorted(entries.values(), key=lambda e: e[0])
    ]


async def event_version(db: AsyncSession, event: Event) -> str:
    """The cache key of the event's PDFs: a file name part that changes whenever anything printed
    about the event changes (people and organizations are shared between events, so theirs too).
    """
    version = await data_version(db, event, PRINTED_TABLES)
    return f"{event.id}-" + hashlib.sha256(repr(version).encode()).hexdigest()[:16]
