"""Open formats of a published event: frab schedule (XML, JSON), iCalendar, schema.org JSON-LD,
Atom and Akoma Ntoso.

Pure functions: they receive an event and its sessions loaded with
:func:`congress.domain.publishing.services.load_programme` and return text or bytes. Nothing here
touches the database, so each format costs one set of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import icalendar
from lxml import etree

from congress import __version__
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.people.services import person_name
from congress.domain.programme.models import Session, Speech
from congress.domain.publishing.models import Record
from congress.domain.publishing.services import ascii_slug
from congress.messages import gettext_in
from congress.translation import resolve

GENERATOR = "congress"
# The guids and UIDs of sessions, people, rooms, … are the rows' stored ``uid``s (see
# congress.db.base.uid_column). A thing without a row of its own gets a UUIDv5 in this namespace
# built on a stored uid.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://congress.invalid/guid")


def guid(*parts: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(str(part) for part in parts)))


def room_guid(event: Event, session: Session) -> str:
    """The session's room's uid; the venue's when it has no room (the frab room is then the
    venue); without a venue, one derived from the event's uid."""
    if session.room is not None:
        return session.room.uid
    if event.venue is not None:
        return event.venue.uid
    return guid(event.uid, "room")


def acronym_of(event: Event) -> str:
    """The frab acronym: lower-case letters, digits and underscores, four or more (both schemas)."""
    acronym = re.sub(r"[^a-z0-9_]", "", (event.acronym or "").lower())
    if len(acronym) < 4:
        acronym = re.sub(r"[^a-z0-9_]", "", event.slug.replace("-", "_"))
    return acronym.ljust(4, "_")


def local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return moment.astimezone(zone)


def hhmm(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    return f"{min(minutes // 60, 99):02d}:{minutes % 60:02d}"


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class PublicSite:
    """Where the public pages live (absolute URLs in the exports) and in which language."""

    base_url: str
    lang: str

    def event_url(self, event: Event, path: str = "") -> str:
        return f"{self.base_url}/events/{event.slug}{path}"

    def session_url(self, event: Event, session: Session) -> str:
        return self.event_url(event, f"/sessions/{session.id}")

    def speech_url(self, event: Event, speech: Speech) -> str:
        return self.event_url(event, f"/speeches/{speech.id}")

    def text(self, event: Event, value: dict[str, str] | None) -> str:
        return resolve(value, self.lang, event.languages).text

    def name(self, event: Event, person: Person) -> str:
        return person_name(person, self.lang, event.languages)


def speakers_of(session: Session) -> list[Person]:
    """Everybody who spoke in the session, once each, in order of appearance."""
    seen: dict[int, Person] = {}
    for item in session.agenda:
        if item.speech is not None:
            for speaker in item.speech.speakers:
                seen.setdefault(speaker.person_id, speaker.person)
    return list(seen.values())


# ---- the agenda as text (frab description, iCalendar DESCRIPTION) ---------------------------


def capacity_of(event: Event, speaker: Any, site: PublicSite) -> str:
    """The capacity a speaker spoke in, as the public pages word it ("First Secretary, Embassy
    of …; on behalf of …; free wording")."""
    parts = []
    position = getattr(speaker, "position", None)
    organization = (
        site.text(event, position.organization.name)
        if position is not None and position.organization is not None
        else ""
    )
    if position is not None:
        title = site.text(event, position.title)
        parts.append(
            f"{title}, {organization}" if organization and organization not in title else title
        )
    on_behalf_of = getattr(speaker, "on_behalf_of", None)
    if on_behalf_of is not None and site.text(event, on_behalf_of.name) != organization:
        parts.append(
            gettext_in(site.lang, "on behalf of %(org)s", org=site.text(event, on_behalf_of.name))
        )
    if speaker.capacity:
        parts.append(site.text(event, speaker.capacity))
    return "; ".join(part for part in parts if part)


def agenda_text(event: Event, session: Session, site: PublicSite) -> str:
    """What happened in the session, in order and in the site's language, as plain text: each
    speech with its speakers and their capacity, each award with its recipient, presenter and
    citation, each gift with giver, recipient and who received it on the recipient's behalf,
    and the procedural items; one numbered paragraph per item."""
    items: list[str] = []
    for item in session.agenda:
        lines: list[str] = []
        if item.speech is not None:
            speech = item.speech
            lines.append(site.text(event, speech.title) or gettext_in(site.lang, "Speech"))
            for speaker in speech.speakers:
                name = site.name(event, speaker.person)
                capacity = capacity_of(event, speaker, site)
                lines.append(f"{name} — {capacity}" if capacity else name)
        elif (award := item.award) is not None:
            line = f"{site.text(event, award.name)}: {site.name(event, award.recipient)}"
            if award.presenter is not None:
                presenter = site.name(event, award.presenter)
                line += " — " + gettext_in(site.lang, "presented by %(name)s", name=presenter)
            lines.append(line)
            lines += _paragraphs(site.text(event, award.citation))
        elif (gift := item.gift) is not None:
            line = gettext_in(
                site.lang,
                "%(giver)s presented a gift to %(recipient)s",
                giver=site.name(event, gift.giver),
                recipient=site.name(event, gift.recipient),
            )
            if gift.received_by is not None:
                proxy = site.name(event, gift.received_by)
                line += " — " + gettext_in(
                    site.lang, "received on his or her behalf by %(name)s", name=proxy
                )
            lines.append(line)
            lines += _paragraphs(site.text(event, gift.description))
        elif title := site.text(event, item.title):
            lines.append(title)
        lines = [line for line in lines if line]
        if lines:
            items.append(f"{len(items) + 1}. " + "\n   ".join(lines))
    return "\n".join(items)


# ---- frab / c3voc schedule -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """One session as the frab schedule sees it."""

    session: Session
    guid: str
    slug: str
    start: dt.datetime  # local time of the event
    end: dt.datetime
    title: str
    abstract: str
    description: str
    room: str
    room_guid: str
    track: str
    language: str
    url: str
    persons: list[tuple[Person, str, str]]  # (person, name, guid)


@dataclass(frozen=True, slots=True)
class Day:
    index: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    rooms: dict[str, list[Slot]]


def _schedule(event: Event, sessions: Sequence[Session], site: PublicSite) -> list[Day]:
    zone = zoneinfo.ZoneInfo(event.timezone)
    acronym = acronym_of(event)
    fallback_room = site.text(event, event.venue.name) if event.venue else event.slug
    room_order: dict[str, int] = {}
    slots: list[Slot] = []
    for session in sessions:
        title = site.text(event, session.title)
        english = resolve(session.title, "en", event.languages).text
        words = ascii_slug(english)[:60].strip("-")
        if len(words) < 4:
            words = f"session-{words}".strip("-")
        room = site.text(event, session.room.name) if session.room else fallback_room
        room_order.setdefault(room, session.room_id or 0)
        speeches = [item.speech for item in session.agenda if item.speech is not None]
        slots.append(
            Slot(
                session=session,
                guid=session.uid,
                slug=f"{acronym}-{session.id}-{words}",
                start=local(session.planned_start, zone),
                end=local(session.planned_end, zone),
                title=title,
                abstract=site.text(event, session.description),
                description=agenda_text(event, session, site),
                room=room,
                room_guid=room_guid(event, session),
                track=session.kind.value.replace("_", " "),
                language=speeches[0].language if speeches else event.primary_language,
                url=site.session_url(event, session),
                persons=[
                    (person, site.name(event, person), person.uid)
                    for person in speakers_of(session)
                ],
            )
        )
    dates = {event.start_date + dt.timedelta(days=n) for n in range(_days(event))}
    dates |= {slot.start.date() for slot in slots}
    days = []
    for index, date in enumerate(sorted(dates), start=1):
        start = dt.datetime.combine(date, dt.time(), zone)
        rooms: dict[str, list[Slot]] = {}
        for slot in slots:
            if slot.start.date() == date:
                rooms.setdefault(slot.room, []).append(slot)
        ordered = dict(sorted(rooms.items(), key=lambda pair: (room_order[pair[0]], pair[0])))
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), zone)
        days.append(Day(index, date, start, end, ordered))
    return days


def _days(event: Event) -> int:
    return (event.end_date - event.start_date).days + 1


def schedule_version(event: Event, sessions: Iterable[Session]) -> str:
    """Changes whenever the event or one of its sessions changes."""
    latest = max([event.updated_at, *(session.updated_at for session in sessions)])
    return latest.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def schedule_xml(event: Event, sessions: Sequence[Session], site: PublicSite) -> bytes:
    """frab ``schedule.xml`` (valid against the c3voc schedule.xml.xsd)."""
    days = _schedule(event, sessions, site)
    zone = zoneinfo.ZoneInfo(event.timezone)
    root = etree.Element("schedule")
    etree.SubElement(root, "generator", name=GENERATOR, version=__version__)
    etree.SubElement(root, "url").text = site.event_url(event, "/schedule.xml")
    etree.SubElement(root, "version").text = schedule_version(event, sessions)
    conference = etree.SubElement(root, "conference")
    for tag, value in (
        ("title", site.text(event, event.name)),
        ("acronym", acronym_of(event)),
        ("start", iso(dt.datetime.combine(event.start_date, dt.time(), zone))),
        ("end", iso(dt.datetime.combine(event.end_date, dt.time(23, 59), zone))),
        ("days", str(len(days))),
        ("timeslot_duration", "00:05"),
        ("base_url", site.event_url(event, "/")),
        ("url", site.event_url(event)),
        ("time_zone_name", event.timezone),
    ):
        etree.SubElement(conference, tag).text = value
    for track in sorted(
        {slot.track for day in days for slots in day.rooms.values() for slot in slots}
    ):
        etree.SubElement(
            conference, "track", name=track, slug=ascii_slug(track) or "other"
        ).text = track
    for day in days:
        day_element = etree.SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=iso(day.start),
            end=iso(day.end),
        )
        for room, slots in day.rooms.items():
            room_element = etree.SubElement(day_element, "room", name=room, guid=slots[0].room_guid)
            for slot in slots:
                _xml_event(room_element, slot)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _xml_event(parent: etree._Element, slot: Slot) -> None:
    element = etree.SubElement(parent, "event", id=str(slot.session.id), guid=slot.guid)
    for tag, value in (
        ("date", iso(slot.start)),
        ("start", slot.start.strftime("%H:%M")),
        ("duration", hhmm(slot.end - slot.start)),
        ("room", slot.room),
        ("slug", slot.slug),
        ("url", slot.url),
        ("title", slot.title),
        ("subtitle", ""),
        ("track", slot.track),
        ("type", slot.session.kind.value),
        ("language", slot.language),
        ("abstract", slot.abstract or slot.description),
        ("description", slot.description),
    ):
        etree.SubElement(element, tag).text = value
    persons = etree.SubElement(element, "persons")
    # The person's stable guid; no integer id (deprecated by c3voc, and a database id would
    # change with an export and import).
    for _, name, person_guid in slot.persons:
        etree.SubElement(persons, "person", guid=person_guid).text = name
    etree.SubElement(element, "links")
    etree.SubElement(element, "attachments")


def schedule_json(event: Event, sessions: Sequence[Session], site: PublicSite) -> str:
    """frab/pretalx ``schedule.json`` (valid against the c3voc schema.json)."""
    days = _schedule(event, sessions, site)
    zone = zoneinfo.ZoneInfo(event.timezone)
    rooms: dict[str, str] = {}
    tracks: set[str] = set()
    json_days = []
    for day in days:
        json_rooms: dict[str, list[dict[str, Any]]] = {}
        for room, slots in day.rooms.items():
            rooms.setdefault(room, slots[0].room_guid)
            tracks.update(slot.track for slot in slots)
            json_rooms[room] = [_json_event(slot) for slot in slots]
        json_days.append(
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": iso(day.start),
                "day_end": iso(day.end),
                "rooms": json_rooms,
            }
        )
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": __version__},
        "schedule": {
            "version": schedule_version(event, sessions),
            "base_url": site.event_url(event, "/"),
            "conference": {
                "acronym": acronym_of(event),
                "title": site.text(event, event.name),
                "start": iso(dt.datetime.combine(event.start_date, dt.time(), zone)),
                "end": iso(dt.datetime.combine(event.end_date, dt.time(23, 59), zone)),
                "daysCount": len(days),
                "timeslot_duration": "00:05",
                "time_zone_name": event.timezone,
                "url": site.event_url(event),
                "rooms": [{"name": name, "guid": room_guid} for name, room_guid in rooms.items()],
                "tracks": [{"name": track, "slug": ascii_slug(track)} for track in sorted(tracks)],
                "days": json_days,
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _json_event(slot: Slot) -> dict[str, Any]:
    return {
        "guid": slot.guid,
        "id": slot.session.id,
        "date": iso(slot.start),
        "start": slot.start.strftime("%H:%M"),
        "end": iso(slot.end),
        "duration": hhmm(slot.end - slot.start),
        "room": slot.room,
        "slug": slot.slug,
        "url": slot.url,
        "title": slot.title,
        "subtitle": None,
        "track": slot.track,
        "type": slot.session.kind.value,
        "language": slot.language,
        "abstract": slot.abstract or slot.description or None,
        "description": slot.description or None,
        # "public_name" is what frab clients (pyfahrplan, c3voc tools, apps) read, "name" what
        # pretalx clients read; without the deprecated integer "id", the c3voc schema's oneOf
        # takes it as a pretalx person (with both it would match both kinds and fail).
        "persons": [
            {"name": name, "public_name": name, "guid": person_guid}
            for _, name, person_guid in slot.persons
        ],
        "links": [],
        "attachments": [],
    }


# ---- iCalendar -------------------------------------------------------------------------------


# Zones that iCalendar writes as UTC times ("…Z") without a VTIMEZONE.
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "GMT", "Etc/GMT", "Universal", "Zulu"})


def icalendar_of(event: Event, sessions: Sequence[Session], site: PublicSite) -> bytes:
    """RFC 5545 calendar: one VEVENT per session, local times with their VTIMEZONE.

    The calendar's frame and its VTIMEZONE come from the icalendar library. The VEVENTs are
    written here, with the library's escaping of text values: its property objects and its
    line folding (a Python loop over every character) cost about 0.3 ms per event, a third of
    a second for a 300-talk congress, ten times what the rest of this export costs.
    """
    zone = zoneinfo.ZoneInfo(event.timezone)
    zone_id = None if event.timezone in UTC_ZONES else event.timezone
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{GENERATOR}//{GENERATOR} {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", site.text(event, event.name))
    calendar.add("x-wr-timezone", event.timezone)
    if sessions and zone_id is not None:
        first = min(session.planned_start for session in sessions).astimezone(zone).date()
        last = max(session.planned_end for session in sessions).astimezone(zone).date()
        calendar.add_component(
            icalendar.Timezone.from_tzid(
                zone_id, first_date=first, last_date=last + dt.timedelta(days=1)
            )
        )
    location = site.text(event, event.venue.name) if event.venue else None
    lines: list[str] = []
    for session in sessions:
        lines.append("BEGIN:VEVENT")
        # The session's stored uid: the same after a move to another site or database.
        lines.append(f"UID:{session.uid}")
        # Without METHOD, DTSTAMP is the time the information last changed (RFC 5545 3.8.7.2).
        lines.append(f"DTSTAMP:{session.updated_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
        lines.append(_ical_time("DTSTART", session.planned_start, zone, zone_id))
        lines.append(_ical_time("DTEND", session.planned_end, zone, zone_id))
        lines.append(f"SUMMARY:{_ical_text(site.text(event, session.title))}")
        description = "\n\n".join(
            part
            for part in (site.text(event, session.description), agenda_text(event, session, site))
            if part
        )
        if description:
            lines.append(f"DESCRIPTION:{_ical_text(description)}")
        room = site.text(event, session.room.name) if session.room else None
        where = ", ".join(part for part in (room, location) if part)
        if where:
            lines.append(f"LOCATION:{_ical_text(where)}")
        lines.append(f"URL:{site.session_url(event, session)}")
        lines.append(f"CATEGORIES:{_ical_text(session.kind.value)}")
        if event.status is EventStatus.CANCELLED:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    frame = calendar.to_ical()
    end = frame.rindex(b"END:VCALENDAR")
    events = b"".join(_ical_fold(line) + b"\r\n" for line in lines)
    return frame[:end] + events + frame[end:]


def _ical_text(value: str) -> str:
    return icalendar.vText(value).to_ical().decode()


def _ical_time(name: str, moment: dt.datetime, zone: dt.tzinfo, zone_id: str | None) -> str:
    if zone_id is None:
        return f"{name}:{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    return f"{name};TZID={zone_id}:{moment.astimezone(zone):%Y%m%dT%H%M%S}"


def _ical_fold(line: str) -> bytes:
    """A content line folded after at most 75 octets, never inside a character (RFC 5545 3.1)
    nor between a backslash and the character it escapes."""
    data = line.encode()
    if len(data) <= 75:
        return data
    parts: list[bytes] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            carried = [current.pop()] if current[-1] == "\\" else []
            parts.append("".join(current).encode())
            current, limit = carried, 74  # a continuation line starts with a space
            size = len(carried)
        current.append(char)
        size += width
    parts.append("".join(current).encode())
    return b"\r\n ".join(parts)


# ---- schema.org JSON-LD ----------------------------------------------------------------------

SCHEMA = "https://schema.org/"
EVENT_STATUS = {
    EventStatus.DRAFT: "EventScheduled",
    EventStatus.PUBLISHED: "EventScheduled",
    EventStatus.ARCHIVED: "EventScheduled",
    EventStatus.CANCELLED: "EventCancelled",
}


def _organization_ld(event: Event, organization: Organization, site: PublicSite) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Organization", "name": site.text(event, organization.name)}
    if organization.website:
        data["url"] = organization.website
    return data


def _place_ld(event: Event, site: PublicSite, room: str | None = None) -> dict[str, Any] | None:
    if event.venue is None:
        return None
    venue = event.venue
    name = site.text(event, venue.name)
    place: dict[str, Any] = {"@type": "Place", "name": f"{room}, {name}" if room else name}
    address: dict[str, Any] = {"@type": "PostalAddress"}
    if venue.address:
        address["streetAddress"] = site.text(event, venue.address)
    if venue.city:
        address["addressLocality"] = venue.city
    if venue.country:
        address["addressCountry"] = venue.country
    if len(address) > 1:
        place["address"] = address
    return place


def session_ld(event: Event, session: Session, site: PublicSite) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(event.timezone)
    data: dict[str, Any] = {
        "@type": "Event",
        "@id": site.session_url(event, session),
        "url": site.session_url(event, session),
        "name": site.text(event, session.title),
        "startDate": iso(local(session.planned_start, zone)),
        "endDate": iso(local(session.planned_end, zone)),
        "eventStatus": SCHEMA + EVENT_STATUS[event.status],
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "inLanguage": sorted({speech.language for speech in _speeches(session)}) or event.languages,
    }
    room = site.text(event, session.room.name) if session.room else None
    if place := _place_ld(event, site, room):
        data["location"] = place
    performers = [
        {"@type": "Person", "name": site.name(event, person)} for person in speakers_of(session)
    ]
    if performers:
        data["performer"] = performers
    if description := site.text(event, session.description):
        data["description"] = description
    return data


def _speeches(session: Session) -> list[Speech]:
    return [item.speech for item in session.agenda if item.speech is not None]


def event_ld(event: Event, sessions: Sequence[Session], site: PublicSite) -> dict[str, Any]:
    """schema.org ``Event`` for the event page, its sessions as ``subEvent``."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": site.event_url(event),
        "url": site.event_url(event),
        "name": site.text(event, event.name),
        "startDate": iso(dt.datetime.combine(event.start_date, dt.time(), zone)),
        "endDate": iso(dt.datetime.combine(event.end_date, dt.time(23, 59), zone)),
        "eventStatus": SCHEMA + EVENT_STATUS[event.status],
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "inLanguage": list(event.languages),
        "organizer": [
            _organization_ld(event, organization, site) for organization in event.organizers
        ],
        "subEvent": [session_ld(event, session, site) for session in sessions],
    }
    if description := site.text(event, event.description):
        data["description"] = description
    if place := _place_ld(event, site):
        data["location"] = place
    performers: dict[int, dict[str, Any]] = {}
    for session in sessions:
        for person in speakers_of(session):
            performers.setdefault(person.id, {"@type": "Person", "name": site.name(event, person)})
    if performers:
        data["performer"] = list(performers.values())
    return data


def session_page_ld(event: Event, session: Session, site: PublicSite) -> dict[str, Any]:
    """schema.org ``Event`` for one session's page, inside its event."""
    data = {"@context": "https://schema.org", **session_ld(event, session, site)}
    # The whole parent event (dates, place, status), not a stub: an Event needs them all.
    parent = event_ld(event, (), site)
    data["superEvent"] = {key: parent[key] for key in parent if key not in ("@context", "subEvent")}
    data["organizer"] = [
        _organization_ld(event, organization, site) for organization in event.organizers
    ]
    return data


def json_ld_script(data: dict[str, Any]) -> str:
    """The JSON for a <script type="application/ld+json"> element (safe against "</script>")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---- Atom ------------------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(
    event: Event, records: Sequence[Record], site: PublicSite, authors: dict[int, str]
) -> bytes:
    """RFC 4287 feed of the event's published records, newest first."""
    nsmap = {None: ATOM}
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=nsmap)
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", site.lang)

    def add(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", **attrs)
        if text is not None:
            element.text = text
        return element

    # One feed per language: its own id and self link (the address of that language's feed).
    own_address = site.event_url(event, f"/feed.atom?lang={site.lang}")
    add(feed, "id", own_address)
    add(feed, "title", site.text(event, event.name))
    updated = max(
        [record.published_at or record.updated_at for record in records] or [event.updated_at]
    )
    add(feed, "updated", iso(updated.astimezone(dt.UTC)))
    add(feed, "link", rel="self", href=own_address)
    add(feed, "link", rel="alternate", type="text/html", href=site.event_url(event))
    add(feed, "generator", GENERATOR, version=__version__)
    organizers = ", ".join(site.text(event, org.name) for org in event.organizers)
    author = add(feed, "author")
    add(author, "name", organizers or site.text(event, event.name))
    for record in records:
        entry = add(feed, "entry")
        add(entry, "id", f"urn:uuid:{record.uid}")  # the record's stored identifier
        add(entry, "title", site.text(event, record.headline))
        published = (record.published_at or record.updated_at).astimezone(dt.UTC)
        add(entry, "published", iso(published))
        add(entry, "updated", iso(max(published, record.updated_at.astimezone(dt.UTC))))
        add(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=site.event_url(event, f"/records/{record.slug}"),
        )
        if record.author_id in authors:
            add(add(entry, "author"), "name", authors[record.author_id])
        if record.category is not None:
            add(
                entry,
                "category",
                term=record.category.slug,
                label=site.text(event, record.category.name),
            )
        for tag in record.tags:
            add(entry, "category", term=tag.slug, label=site.text(event, tag.name))
        if lead := site.text(event, record.lead):
            add(entry, "summary", lead)
        add(entry, "content", site.text(event, record.body), type="html")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---- Akoma Ntoso 3.0 debate ------------------------------------------------------------------

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# ISO 639-2/T codes, as Akoma Ntoso wants them in FRBRlanguage and IRIs.
ISO639_2 = {
    "en": "eng",
    "ru": "rus",
    "zh": "zho",
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "ar": "ara",
}


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n|\r\n\s*\r\n", text) if part.strip()] or [""]


def akoma_ntoso(
    event: Event, sessions: Sequence[Session], site: PublicSite, decisions: Any = None
) -> bytes:
    """The proceedings as an Akoma Ntoso ``debate``: one debateSection per session, one speech
    per speaker turn, every ``by`` pointing at a TLCPerson in the references. With the
    ``decisions`` (decisions/queries.py): each roll call as a ``rollCall`` where it happened,
    motions as ``resolutions`` (the adopted ones linked to their own document), elections, and
    in meta/analysis/parliamentary a ``quorumVerification`` per roll call and a ``voting`` per
    vote, each pointing at its place in the body."""

    def add(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{AKN}}}{tag}", **attrs)
        if text is not None:
            element.text = text
        return element

    lang3 = ISO639_2.get(site.lang, site.lang)
    country = (event.venue.country if event.venue and event.venue.country else "xx").lower()
    work = f"/akn/{country}/debaterecord/{event.start_date.isoformat()}/{event.slug}"
    expression = f"{work}/{lang3}@"
    generated = schedule_version(event, sessions).split(" ")[0]

    root = etree.Element(f"{{{AKN}}}akomaNtoso", nsmap={None: AKN})
    debate = add(root, "debate", name="proceedings")
    meta = add(debate, "meta")
    identification = add(meta, "identification", source="#congress")
    frbr_work = add(identification, "FRBRWork")
    add(frbr_work, "FRBRthis", value=f"{work}/!main")
    add(frbr_work, "FRBRuri", value=work)
    add(frbr_work, "FRBRdate", date=event.start_date.isoformat(), name="event")
    add(frbr_work, "FRBRauthor", href="#organizer" if event.organizers else "#congress")
    add(frbr_work, "FRBRcountry", value=country)
    frbr_expression = add(identification, "FRBRExpression")
    add(frbr_expression, "FRBRthis", value=f"{expression}/!main")
    add(frbr_expression, "FRBRuri", value=expression)
    add(frbr_expression, "FRBRdate", date=generated, name="publication")
    add(frbr_expression, "FRBRauthor", href="#congress")
    add(frbr_expression, "FRBRlanguage", language=lang3)
    manifestation = add(identification, "FRBRManifestation")
    add(manifestation, "FRBRthis", value=f"{expression}/!main.xml")
    add(manifestation, "FRBRuri", value=f"{expression}.akn")
    add(manifestation, "FRBRdate", date=generated, name="generation")
    add(manifestation, "FRBRauthor", href="#congress")

    references = add(meta, "references", source="#congress")
    add(
        references,
        "TLCOrganization",
        eId="congress",
        href="/ontology/organization/congress",
        showAs=GENERATOR,
    )
    if event.organizers:
        organizer = event.organizers[0]
        add(
            references,
            "TLCOrganization",
            eId="organizer",
            href=f"/ontology/organization/{organizer.uid}",
            showAs=site.text(event, organizer.name),
        )
    # Everybody the proceedings name, in order of first appearance: the presidium, speakers,
    # award recipients and presenters, givers, recipients and proxies of gifts.
    people: dict[int, Person] = {}
    roles: dict[str, str] = {}
    for session in sessions:
        for seat in session.presidium:
            people.setdefault(seat.person_id, seat.person)
            roles.setdefault(seat.role.value, seat.role.value.replace("_", " "))
        for item in session.agenda:
            for person, role in _akn_people(item):
                people.setdefault(person.id, person)
                if role:
                    roles.setdefault(role, role)
    if decisions is not None:
        for election in decisions.elections:
            for candidate in election.candidates:
                people.setdefault(candidate.person_id, decisions.people[candidate.person_id])
                roles.setdefault("candidate", "candidate")
    for person in people.values():
        add(
            references,
            "TLCPerson",
            eId=_akn_person(person),
            href=f"/ontology/person/{person.uid}",
            showAs=site.name(event, person),
        )
    for role, label in roles.items():
        add(references, "TLCRole", eId=f"role_{role}", href=f"/ontology/role/{role}", showAs=label)

    preface = add(debate, "preface")
    add(preface, "p", site.text(event, event.name), **{"class": "title"})

    body = add(debate, "debateBody")
    zone = zoneinfo.ZoneInfo(event.timezone)
    for session in sessions:
        section = add(body, "debateSection", eId=f"session_{session.uid}", name=session.kind.value)
        add(section, "heading", site.text(event, session.title))
        start = local(session.actual_start or session.planned_start, zone)
        add(section, "p").append(_akn_time(start))
        if session.presidium:
            presidium = add(section, "p", **{"class": "presidium"})
            for index, seat in enumerate(session.presidium):
                if index:
                    presidium[-1].tail = "; "
                _akn_person_element(presidium, event, seat.person, seat.role.value, site)
        for item in session.agenda:
            if item.speech is not None:
                _akn_speech(section, event, item.speech, site, add)
            elif item.award is not None:
                _akn_award(section, event, item.award, site, add)
            elif item.gift is not None:
                _akn_gift(section, event, item.gift, site, add)
        if decisions is not None:
            _akn_decisions(section, event, session, decisions, site, add)
    if not sessions:
        add(add(body, "debateSection", eId="empty", name="empty"), "p", "")
    if decisions is not None and not decisions.empty:
        references.addprevious(_akn_analysis(event, decisions, site, add, references))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# The outcomes and the kinds of figures of decisions (TLCConcept eIds in the references).
DECISION_CONCEPTS = (
    "adopted",
    "rejected",
    "elected",
    "further_round",
    "quorum_present",
    "no_quorum",
    "present",
    "accredited",
    "votes_for",
    "votes_against",
    "abstaining",
    "spoilt",
    "ballots",
)


def akoma_ntoso_resolution(
    event: Event, motion: Any, votes: Sequence[Any], site: PublicSite
) -> bytes:
    """An adopted resolution (or declaration) as its own Akoma Ntoso document (``doc``), in
    the adopted wording, with the vote it was adopted by; the debate links to it."""

    def add(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{AKN}}}{tag}", **attrs)
        if text is not None:
            element.text = text
        return element

    lang3 = ISO639_2.get(site.lang, site.lang)
    country = (event.venue.country if event.venue and event.venue.country else "xx").lower()
    decided = (motion.decided_at or motion.created_at).date().isoformat()
    work = f"/akn/{country}/doc/{motion.kind.value}/{decided}/{event.slug}-{motion.uid}"
    expression = f"{work}/{lang3}@"
    root = etree.Element(f"{{{AKN}}}akomaNtoso", nsmap={None: AKN})
    doc = add(root, "doc", name=motion.kind.value)
    meta = add(doc, "meta")
    identification = add(meta, "identification", source="#congress")
    for level, this, uri, extra in (
        ("FRBRWork", f"{work}/!main", work, "country"),
        ("FRBRExpression", f"{expression}/!main", expression, "language"),
        ("FRBRManifestation", f"{expression}/!main.xml", f"{expression}.akn", None),
    ):
        frbr = add(identification, level)
        add(frbr, "FRBRthis", value=this)
        add(frbr, "FRBRuri", value=uri)
        add(frbr, "FRBRdate", date=decided, name="adoption")
        add(frbr, "FRBRauthor", href="#congress")
        if extra == "country":
            add(frbr, "FRBRcountry", value=country)
        elif extra == "language":
            add(frbr, "FRBRlanguage", language=lang3)
    references = add(meta, "references", source="#congress")
    add(
        references,
        "TLCOrganization",
        eId="congress",
        href="/ontology/organization/congress",
        showAs=site.text(event, event.name),
    )
    preface = add(doc, "preface")
    add(preface, "p", site.text(event, motion.title), **{"class": "title"})
    add(preface, "p", site.text(event, event.name), **{"class": "event"})
    main = add(doc, "mainBody")
    shown = motion.adopted_text or motion.text
    lines = [line.strip() for line in (site.text(event, shown) if shown else "").splitlines()]
    for line in [line for line in lines if line] or [""]:
        add(main, "p", line)
    conclusions = add(doc, "conclusions")
    for vote in votes:
        add(conclusions, "p", f"{_akn_figures(vote, site)}", eId=f"vote_{vote.uid}")
    debate = add(conclusions, "p")
    add(
        debate,
        "ref",
        site.text(event, event.name),
        href=site.event_url(event, "/proceedings.akn.xml"),
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _akn_figures(vote: Any, site: PublicSite) -> str:
    if vote.election_id is not None:
        return gettext_in(
            site.lang,
            "%(ballots)s ballots cast, %(spoilt)s spoilt",
            ballots=vote.ballots,
            spoilt=vote.spoilt,
        )
    return gettext_in(
        site.lang,
        "for %(for)s, against %(against)s, abstaining %(abstaining)s",
        **{"for": vote.votes_for, "against": vote.votes_against, "abstaining": vote.abstentions},
    )


def _akn_decisions(
    section: etree._Element,
    event: Event,
    session: Session,
    decisions: Any,
    site: PublicSite,
    add: Any,
) -> None:
    """What the session decided, after its agenda: roll calls, motions, elections, headcounts."""
    for roll in decisions.roll_calls:
        if roll.session_id != session.id:
            continue
        element = add(section, "rollCall", eId=f"rollcall_{roll.uid}")
        add(element, "heading", gettext_in(site.lang, "Roll call"))
        add(
            element,
            "p",
            gettext_in(
                site.lang,
                "%(present)s of %(accredited)s accredited delegates present; quorum %(quorum)s",
                present=roll.present,
                accredited=roll.accredited,
                quorum=roll.quorum,
            ),
        )
    for motion in decisions.motions:
        if motion.session_id != session.id:
            continue
        element = add(
            section, "resolutions", eId=f"motion_{motion.uid}", **{"class": motion.kind.value}
        )
        add(element, "heading", site.text(event, motion.title))
        shown = motion.adopted_text if motion.status.value == "adopted" else motion.text
        for line in (site.text(event, shown) if shown else "").splitlines():
            if line.strip():
                add(element, "p", line.strip())
        for vote in decisions.votes_on("motion", motion.id):
            line = add(element, "p", _akn_figures(vote, site), eId=f"vote_{vote.uid}")
            line.text = f"{line.text} — {gettext_in(site.lang, decisions.word(vote.result))}"
        if motion.status.value == "adopted":
            link = add(element, "p")
            add(
                link,
                "ref",
                site.text(event, motion.title),
                href=site.event_url(event, f"/motions/{motion.id}.akn.xml"),
            )
    for election in decisions.elections:
        if election.session_id != session.id:
            continue
        element = add(section, "debateSection", eId=f"election_{election.uid}", name="election")
        add(element, "heading", site.text(event, election.title))
        for vote in decisions.votes_on("election", election.id):
            line = add(element, "p", eId=f"vote_{vote.uid}")
            line.text = gettext_in(site.lang, "Round %(round)s", round=vote.round) + ": "
            line.text += _akn_figures(vote, site) + " — "
            line.text += gettext_in(site.lang, decisions.word(vote.result))
        elected = [c for c in election.candidates if c.elected]
        if elected:
            line = add(element, "p", gettext_in(site.lang, "Elected") + ": ")
            for index, candidate in enumerate(elected):
                if index:
                    line[-1].tail = ", "
                _akn_person_element(
                    line, event, decisions.people[candidate.person_id], "candidate", site
                )
    counted = [h for h in decisions.headcounts if h.session_id == session.id]
    if counted:
        element = add(section, "other", eId=f"headcounts_{session.uid}", **{"class": "headcounts"})
        add(element, "p", gettext_in(site.lang, "Also present, not registered by name"))
        for headcount in counted:
            note = f" — {site.text(event, headcount.note)}" if headcount.note else ""
            add(
                element,
                "p",
                f"{gettext_in(site.lang, decisions.word(headcount.category))}: {headcount.count}{note}",
            )


def _akn_analysis(
    event: Event, decisions: Any, site: PublicSite, add: Any, references: etree._Element
) -> etree._Element:
    """meta/analysis/parliamentary: a quorumVerification per roll call and a voting per vote,
    each pointing (href) at its element in the body; outcomes and counts refer to TLCConcepts."""
    for concept in DECISION_CONCEPTS:
        add(
            references,
            "TLCConcept",
            eId=concept,
            href=f"/ontology/concept/{concept}",
            showAs=concept.replace("_", " "),
        )
    analysis = etree.Element(f"{{{AKN}}}analysis", source="#congress")
    parliamentary = add(analysis, "parliamentary")
    rolls = {roll.id: roll for roll in decisions.roll_calls}
    for roll in decisions.roll_calls:
        check = add(
            parliamentary,
            "quorumVerification",
            eId=f"quorumverification_{roll.uid}",
            href=f"#rollcall_{roll.uid}",
            outcome="#quorum_present" if roll.quorum_met else "#no_quorum",
        )
        add(check, "quorum", eId=f"quorumverification_{roll.uid}__quorum", value=str(roll.quorum))
        add(
            check,
            "count",
            eId=f"quorumverification_{roll.uid}__present",
            value=str(roll.present),
            refersTo="#present",
        )
        add(
            check,
            "count",
            eId=f"quorumverification_{roll.uid}__accredited",
            value=str(roll.accredited),
            refersTo="#accredited",
        )
    shown = {m.id for m in decisions.motions if m.session_id is not None}
    shown_elections = {e.id for e in decisions.elections if e.session_id is not None}
    for (kind, item_id), votes in decisions.votes.items():
        if (kind == "motion" and item_id not in shown) or (
            kind == "election" and item_id not in shown_elections
        ):
            continue
        for vote in votes:
            voting = add(
                parliamentary,
                "voting",
                eId=f"voting_{vote.uid}",
                href=f"#vote_{vote.uid}",
                outcome=f"#{vote.result.value}",
            )
            roll = rolls.get(vote.roll_call_id) if vote.roll_call_id else None
            if roll is not None:
                add(
                    voting,
                    "quorum",
                    eId=f"voting_{vote.uid}__quorum",
                    value=str(roll.quorum),
                    href=f"#rollcall_{roll.uid}",
                )
            figures = (
                [("ballots", vote.ballots), ("spoilt", vote.spoilt)]
                if kind == "election"
                else [
                    ("votes_for", vote.votes_for),
                    ("votes_against", vote.votes_against),
                    ("abstaining", vote.abstentions),
                ]
            )
            for name, value in figures:
                add(
                    voting,
                    "count",
                    eId=f"voting_{vote.uid}__{name}",
                    value=str(value),
                    refersTo=f"#{name}",
                )
    return analysis


# The parts people play in awards and gifts (TLCRole eIds "role_…", the ``as`` of a person).
AWARDEE, PRESENTER, GIVER, RECIPIENT, PROXY = "awardee", "presenter", "giver", "recipient", "proxy"


def _akn_people(item: Any) -> list[tuple[Person, str | None]]:
    """The people an agenda item names, with the part they play (None: a speaker)."""
    found: list[tuple[Person, str | None]] = []
    if item.speech is not None:
        found += [(speaker.person, None) for speaker in item.speech.speakers]
    if item.award is not None:
        found.append((item.award.recipient, AWARDEE))
        if item.award.presenter is not None:
            found.append((item.award.presenter, PRESENTER))
    if item.gift is not None:
        found += [(item.gift.giver, GIVER), (item.gift.recipient, RECIPIENT)]
        if item.gift.received_by is not None:
            found.append((item.gift.received_by, PROXY))
    return found


def _akn_person(person: Person) -> str:
    """The eId of a person's TLCPerson (built on the person's stable uid)."""
    return f"person_{person.uid}"


def _akn_person_element(
    parent: etree._Element, event: Event, person: Person, role: str, site: PublicSite
) -> etree._Element:
    element = etree.SubElement(
        parent,
        f"{{{AKN}}}person",
        refersTo=f"#{_akn_person(person)}",
        **{"as": f"#role_{role}"},
    )
    element.text = site.name(event, person)
    return element


def _akn_sentence(
    parent: etree._Element,
    event: Event,
    site: PublicSite,
    message: str,
    people: dict[str, tuple[Person, str]],
) -> None:
    """A translated sentence (``message`` with %(key)s for each of ``people``) appended to
    ``parent``, each name a ``person`` element pointing at its TLCPerson in its part."""
    marks = {key: f"\x00{key}\x00" for key in people}
    text = gettext_in(site.lang, message, **marks)
    for index, piece in enumerate(text.split("\x00")):
        if index % 2 and piece in people:
            person, role = people[piece]
            _akn_person_element(parent, event, person, role, site)
        elif len(parent):
            parent[-1].tail = (parent[-1].tail or "") + piece
        else:
            parent.text = (parent.text or "") + piece


def _akn_award(
    section: etree._Element, event: Event, award: Any, site: PublicSite, add: Any
) -> None:
    element = add(section, "other", eId=f"award_{award.uid}", **{"class": "award"})
    line = add(element, "p", **{"class": "recipient"})
    add(line, "span", site.text(event, award.name), **{"class": "award-name"}).tail = ": "
    _akn_person_element(line, event, award.recipient, AWARDEE, site)
    if award.presenter is not None:
        line[-1].tail = " — "
        _akn_sentence(
            line, event, site, "presented by %(name)s", {"name": (award.presenter, PRESENTER)}
        )
    if citation := site.text(event, award.citation):
        for paragraph in _paragraphs(citation):
            add(element, "p", paragraph, **{"class": "citation"})


def _akn_gift(section: etree._Element, event: Event, gift: Any, site: PublicSite, add: Any) -> None:
    element = add(section, "other", eId=f"gift_{gift.uid}", **{"class": "gift"})
    line = add(element, "p", **{"class": "presentation"})
    _akn_sentence(
        line,
        event,
        site,
        "%(giver)s presented a gift to %(recipient)s",
        {"giver": (gift.giver, GIVER), "recipient": (gift.recipient, RECIPIENT)},
    )
    if gift.received_by is not None:
        proxy = add(element, "p", **{"class": "proxy"})
        _akn_sentence(
            proxy,
            event,
            site,
            "received on his or her behalf by %(name)s",
            {"name": (gift.received_by, PROXY)},
        )
    if description := site.text(event, gift.description):
        for paragraph in _paragraphs(description):
            add(element, "p", paragraph, **{"class": "description"})


def _akn_time(moment: dt.datetime) -> etree._Element:
    element = etree.Element(f"{{{AKN}}}time", time=moment.isoformat(timespec="seconds"))
    element.text = moment.strftime("%Y-%m-%d %H:%M")
    return element


def _akn_speech(
    section: etree._Element, event: Event, speech: Speech, site: PublicSite, add: Any
) -> None:
    """A joint speech is one text: the first speaker is ``by``, the others are named in ``from``."""
    if not speech.speakers:
        return
    first = speech.speakers[0]
    attrs = {"by": f"#{_akn_person(first.person)}", "eId": f"speech_{speech.uid}"}
    transcript = resolve(speech.transcript, site.lang, [speech.language, *event.languages])
    # The text in another language than the document's (not translated yet) says which.
    language = transcript.language or speech.language
    if language != site.lang:
        attrs[XML_LANG] = language
    element = add(section, "speech", **attrs)
    add(
        element, "from", " & ".join(site.name(event, speaker.person) for speaker in speech.speakers)
    )
    for paragraph in _paragraphs(transcript.text):
        add(element, "p", paragraph)
