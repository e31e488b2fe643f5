"""Every open format of a published event, validated against its published schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.events.enums import EventStatus
from congress.domain.publishing.enums import RecordStatus
from congress.domain.publishing.models import Record
from tests.publishing_data import build_event

REPO = Path(__file__).resolve().parents[2]
# A copy of the team's ../shared/standards (unedited, with its NOTICE), so that a clone anywhere
# runs these tests; test_the_copy_of_the_standards_is_current keeps it the same.
STANDARDS = REPO / "tests" / "standards"
SHARED_STANDARDS = REPO.parent / "shared" / "standards"


@pytest.mark.skipif(not SHARED_STANDARDS.is_dir(), reason="no ../shared/standards beside the clone")
def test_the_copy_of_the_standards_is_current() -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    assert files(STANDARDS) == files(SHARED_STANDARDS)


@pytest.fixture(scope="module")
def frab_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "frab" / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def akn_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "akoma-ntoso" / "akomantoso30.xsd")))


def assert_valid(schema: etree.XMLSchema, content: bytes) -> etree._ElementTree:
    document = etree.ElementTree(etree.fromstring(content))
    if not schema.validate(document):
        raise AssertionError("\n".join(str(error) for error in schema.error_log))
    return document


async def test_schedule_xml_is_valid_frab(client: Any, db: AsyncSession, frab_xsd: Any) -> None:
    event = await build_event(db, sessions=12, speeches_per_session=2)
    response = await client.get(f"/events/{event.slug}/schedule.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    document = assert_valid(frab_xsd, response.content)
    events = document.findall(".//event")
    assert len(events) == 12
    slugs = [element.findtext("slug") for element in events]
    assert all(slug == slug.lower() and slug.startswith("ifc2-") for slug in slugs)
    assert all(element.findtext("date").endswith("+02:00") for element in events)
    again = await client.get(f"/events/{event.slug}/schedule.xml")
    assert again.content == response.content  # stable guids and version


async def test_schedule_json_is_valid_frab(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=12, speeches_per_session=2)
    response = await client.get(f"/events/{event.slug}/schedule.json")
    assert response.status_code == 200
    schema = json.loads((STANDARDS / "frab" / "schema.json").read_text())
    document = response.json()
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    talks = [
        talk
        for day in document["schedule"]["conference"]["days"]
        for talks in day["rooms"].values()
        for talk in talks
    ]
    assert len(talks) == 12
    assert talks[0]["persons"][0]["name"]


async def test_calendar_parses_with_time_zone(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=5, speeches_per_session=1)
    response = await client.get(f"/events/{event.slug}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["PRODID"] and calendar["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 5
    for vevent in vevents:
        assert vevent["UID"] and vevent["DTSTAMP"]
        assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert len({str(vevent["UID"]) for vevent in vevents}) == 5

    session_id = int(vevents[0]["URL"].rsplit("/", 1)[1])
    one = await client.get(f"/events/{event.slug}/sessions/{session_id}/calendar.ics")
    single = icalendar.Calendar.from_ical(one.content).walk("VEVENT")
    assert [str(v["UID"]) for v in single] == [str(vevents[0]["UID"])]


async def test_akoma_ntoso_is_valid_and_speakers_resolve(
    client: Any, db: AsyncSession, akn_xsd: Any
) -> None:
    event = await build_event(db, sessions=3, speeches_per_session=3)
    response = await client.get(f"/events/{event.slug}/proceedings.akn.xml?lang=ru")
    assert response.status_code == 200
    document = assert_valid(akn_xsd, response.content)
    ns = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    people = {element.get("eId") for element in document.findall(".//akn:TLCPerson", ns)}
    speeches = document.findall(".//akn:speech", ns)
    assert len(speeches) == 9
    referenced = {element.get("by")[1:] for element in speeches}
    referenced |= {p.get("refersTo")[1:] for p in document.findall(".//akn:person", ns)}
    assert referenced <= people
    assert "Дорогие друзья!" in response.text


async def test_exports_of_a_draft_event_are_not_public(
    client: Any, db: AsyncSession, admin: dict[str, str]
) -> None:
    event = await build_event(db, sessions=2, status=EventStatus.DRAFT)
    for path in ("schedule.xml", "schedule.json", "calendar.ics", "proceedings.akn.xml"):
        response = await client.get(f"/events/{event.slug}/{path}")
        assert response.status_code == 404, path
    staff = await client.get(f"/events/{event.slug}/schedule.xml", headers=admin)
    assert staff.status_code == 200


async def test_atom_feed_lists_published_records_only(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=1, speeches_per_session=1)
    db.add(Record(event_id=event.id, slug="draft", headline={"en": "Secret draft"}))
    db.add(
        Record(
            event_id=event.id,
            slug="later",
            headline={"en": "Scheduled"},
            status=RecordStatus.PUBLISHED,
            publish_at=utc_now() + dt.timedelta(days=1),
        )
    )
    await db.commit()
    response = await client.get(f"/events/{event.slug}/feed.atom?lang=ru")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    for tag in ("id", "title", "updated", "author/a:name"):
        assert feed.find(f"a:{tag}", ns) is not None, tag
    entries = feed.findall("a:entry", ns)
    assert [entry.findtext("a:title", namespaces=ns) for entry in entries] == ["Конгресс открылся"]
    entry = entries[0]
    assert entry.findtext("a:id", namespaces=ns).startswith("urn:uuid:")
    assert entry.find("a:link", ns).get("href").endswith(f"/events/{event.slug}/records/opening")
    assert "Secret" not in response.text and "Scheduled" not in response.text


async def test_every_export_of_the_demo_event_is_valid(
    client: Any, demo_slug: str, frab_xsd: Any, akn_xsd: Any
) -> None:
    base = f"/events/{demo_slug}"
    schema = json.loads((STANDARDS / "frab" / "schema.json").read_text())
    for lang in ("en", "ru", "zh", "de"):
        xml = await client.get(f"{base}/schedule.xml?lang={lang}")
        assert_valid(frab_xsd, xml.content)
        document = (await client.get(f"{base}/schedule.json?lang={lang}")).json()
        jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
        akn = await client.get(f"{base}/proceedings.akn.xml?lang={lang}")
        tree = assert_valid(akn_xsd, akn.content)
        ns = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
        people = {p.get("eId") for p in tree.findall(".//akn:TLCPerson", ns)}
        assert {s.get("by")[1:] for s in tree.findall(".//akn:speech", ns)} <= people
        calendar = icalendar.Calendar.from_ical((await client.get(f"{base}/calendar.ics")).content)
        assert calendar.walk("VTIMEZONE") and calendar.walk("VEVENT")
    joint = [
        s
        for s in tree.findall(".//akn:speech", ns)
        if "&" in (s.findtext("akn:from", namespaces=ns) or "")
    ]
    assert joint, "the joint address of two speakers keeps both names"


async def test_json_ld_describes_event_and_sessions(client: Any, db: AsyncSession) -> None:
    event = await build_event(db, sessions=3, speeches_per_session=2)
    page = await client.get(f"/events/{event.slug}?lang=de")
    data = json.loads(
        etree.HTML(page.content).xpath('//script[@type="application/ld+json"]/text()')[0]
    )
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["inLanguage"] == ["en", "ru", "zh", "de"]
    assert (
        data["location"]["@type"] == "Place"
        and data["location"]["address"]["addressLocality"] == "Berlin"
    )
    assert data["organizer"][0]["@type"] == "Organization"
    assert len(data["subEvent"]) == 3 and data["performer"]
    assert data["startDate"].endswith("+02:00")
    sub = data["subEvent"][0]
    assert sub["url"].startswith("http") and sub["performer"][0]["@type"] == "Person"
    session_page = await client.get(sub["url"].split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    session_data = json.loads(
        etree.HTML(session_page.content).xpath('//script[@type="application/ld+json"]/text()')[0]
    )
    assert session_data["superEvent"]["@id"].endswith(f"/events/{event.slug}")
    assert session_data["eventStatus"].startswith("https://schema.org/")
