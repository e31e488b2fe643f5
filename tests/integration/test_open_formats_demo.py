"""Every public export of the demo event, in every language, fetched once and read by the
independent validators and clients that other software uses (docs/formats.md lists them):

- frab/c3voc schedule.xml and schedule.json: the c3voc XSD (lxml) and JSON schema (jsonschema);
- iCalendar: icalendar and vobject, two parsers;
- Akoma Ntoso 3.0: the OASIS XSD, and every reference (``by``, ``refersTo``, ``as``) resolved;
- Atom: feedparser, as feed readers read it;
- schema.org JSON-LD of the event page and of every session page;
- sitemap.xml (sitemap protocol 0.9 with hreflang alternates) and robots.txt;
- the OpenAPI document: openapi-spec-validator, and every operation's errors and security.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import icalendar
import jsonschema
import pytest
import vobject
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from lxml import etree
from openapi_spec_validator import validate as validate_openapi

from congress.app import create_app
from congress.demo import DEMO_SLUG
from congress.server.security import public
from congress.settings import Settings
from tests.conftest import IS_POSTGRES, _pg_admin, _pg_url

REPO = Path(__file__).resolve().parents[2]
STANDARDS = REPO / "tests" / "standards"
PUBLIC_URL = "https://congress.example.org"
LANGUAGES = ("en", "ru", "zh", "de")
BASE = f"/events/{DEMO_SLUG}"
EXPORTS = ("schedule.xml", "schedule.json", "calendar.ics", "feed.atom", "proceedings.akn.xml")
AKN_NS = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
# The sitemap protocol 0.9 (sitemaps.org/protocol.html) as a schema, written from its text:
# <urlset> of at most 50,000 <url>, each with <loc> (absolute, under 2,048 characters) and the
# optional <lastmod> (W3C datetime), <changefreq>, <priority>, then elements of other
# namespaces (the xhtml:link alternates).
SITEMAP_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{SITEMAP}"
    xmlns="{SITEMAP}" elementFormDefault="qualified">
  <xsd:element name="urlset">
    <xsd:complexType><xsd:sequence>
      <xsd:element name="url" maxOccurs="50000"><xsd:complexType><xsd:sequence>
        <xsd:element name="loc"><xsd:simpleType><xsd:restriction base="xsd:anyURI">
          <xsd:minLength value="12"/><xsd:maxLength value="2048"/>
        </xsd:restriction></xsd:simpleType></xsd:element>
        <xsd:element name="lastmod" minOccurs="0"><xsd:simpleType>
          <xsd:union memberTypes="xsd:date xsd:dateTime"/></xsd:simpleType></xsd:element>
        <xsd:element name="changefreq" minOccurs="0"><xsd:simpleType>
          <xsd:restriction base="xsd:string">
            <xsd:enumeration value="always"/><xsd:enumeration value="hourly"/>
            <xsd:enumeration value="daily"/><xsd:enumeration value="weekly"/>
            <xsd:enumeration value="monthly"/><xsd:enumeration value="yearly"/>
            <xsd:enumeration value="never"/>
          </xsd:restriction></xsd:simpleType></xsd:element>
        <xsd:element name="priority" minOccurs="0"><xsd:simpleType>
          <xsd:restriction base="xsd:decimal">
            <xsd:minInclusive value="0.0"/><xsd:maxInclusive value="1.0"/>
          </xsd:restriction></xsd:simpleType></xsd:element>
        <xsd:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
      </xsd:sequence></xsd:complexType></xsd:element>
    </xsd:sequence></xsd:complexType>
  </xsd:element>
</xsd:schema>"""


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode()


class Site:
    """Everything this module reads, fetched once from one app on a copy of the demo."""

    def __init__(self, client: TestClient[Any], app: Any) -> None:
        self.client = client
        self.app = app
        self.pages: dict[str, Fetched] = {}

    def get(self, path: str, **headers: str) -> Fetched:
        key = path + "".join(f"|{name}={value}" for name, value in sorted(headers.items()))
        if key not in self.pages:
            answer = self.client.get(path, headers=headers)
            self.pages[key] = Fetched(
                answer.status_code,
                {k.lower(): v for k, v in answer.headers.items()},
                answer.content,
            )
        return self.pages[key]


@pytest.fixture(scope="module")
def site(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("formats")
    database = ""
    if IS_POSTGRES:
        name = f"congress_f_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"'))
        database = _pg_url(name)
    else:
        shutil.copyfile(demo_template, data_dir / "congress.db")
    settings = Settings(
        database_url=database, data_dir=data_dir, secret_key="test", public_url=PUBLIC_URL
    )
    app = create_app(settings)
    with TestClient(app=app) as client:
        fetched = Site(client, app)
        for lang in LANGUAGES:
            for name in EXPORTS:
                fetched.get(f"{BASE}/{name}?lang={lang}")
        yield fetched
    if IS_POSTGRES:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def xml_valid(schema: etree.XMLSchema, content: bytes) -> etree._ElementTree:
    document = etree.ElementTree(etree.fromstring(content))
    if not schema.validate(document):
        raise AssertionError("\n".join(str(error) for error in schema.error_log)[:3000])
    return document


def json_ld(page: Fetched) -> dict[str, Any]:
    scripts = etree.HTML(page.content).xpath('//script[@type="application/ld+json"]/text()')
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0])
    return data


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def vary(answer: Fetched) -> set[str]:
    return {part.strip().lower() for part in answer.headers.get("vary", "").split(",")}


# ---- frab / c3voc ------------------------------------------------------------------------------


def test_schedules_are_valid_c3voc_in_every_language(site: Site) -> None:
    xsd = etree.XMLSchema(etree.parse(str(STANDARDS / "frab" / "schedule.xml.xsd")))
    schema = json.loads((STANDARDS / "frab" / "schema.json").read_text())
    guids: dict[str, set[str]] = {}
    for lang in LANGUAGES:
        xml = site.get(f"{BASE}/schedule.xml?lang={lang}")
        assert xml.status == 200 and xml.headers["content-type"].startswith("application/xml")
        events = xml_valid(xsd, xml.content).findall(".//event")
        assert events
        document = json.loads(site.get(f"{BASE}/schedule.json?lang={lang}").content)
        jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
        talks = [
            talk
            for day in document["schedule"]["conference"]["days"]
            for room in day["rooms"].values()
            for talk in room
        ]
        assert len(talks) == len(events)
        guids[lang] = {element.get("guid") for element in events}
        assert guids[lang] == {talk["guid"] for talk in talks}
    # A session is the same session in every language.
    assert all(found == guids["en"] for found in guids.values())


# ---- iCalendar ---------------------------------------------------------------------------------


def test_calendars_parse_with_icalendar_and_vobject(site: Site) -> None:
    for lang in LANGUAGES:
        answer = site.get(f"{BASE}/calendar.ics?lang={lang}")
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(answer.content)
        assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
        vevents = calendar.walk("VEVENT")
        assert vevents and calendar.walk("VTIMEZONE")
        uids = [str(vevent["UID"]) for vevent in vevents]
        assert len(set(uids)) == len(uids)
        parsed = vobject.readOne(answer.text)
        assert sorted(str(event.uid.value) for event in parsed.vevent_list) == sorted(uids)
        for event in parsed.vevent_list:
            assert event.dtstart.value.tzinfo is not None and event.dtstamp.value
            assert event.dtend.value > event.dtstart.value


# ---- Akoma Ntoso ---------------------------------------------------------------------------------


def test_akoma_ntoso_is_valid_and_every_reference_resolves(site: Site) -> None:
    xsd = etree.XMLSchema(etree.parse(str(STANDARDS / "akoma-ntoso" / "akomantoso30.xsd")))
    for lang in LANGUAGES:
        answer = site.get(f"{BASE}/proceedings.akn.xml?lang={lang}")
        assert answer.status == 200
        document = xml_valid(xsd, answer.content)
        references = document.find(".//akn:meta/akn:references", AKN_NS)
        assert references is not None
        known = {element.get("eId") for element in references if element.get("eId")}
        speeches = document.findall(".//akn:speech", AKN_NS)
        assert speeches
        # Every attribute that points at a Top Level Class: by, as, refersTo, to, source, and
        # the href of the FRBR authors.
        dangling = [
            (element.tag.split("}")[1], name, target)
            for element in document.iter()
            if isinstance(element.tag, str)
            for name in ("by", "as", "refersTo", "to", "source", "href")
            if name != "href" or element.tag.endswith("}FRBRauthor")
            for target in (element.get(name) or "").split()
            if target.startswith("#") and target[1:] not in known
        ]
        assert dangling == [], lang
        assert all(speech.get("by", "").startswith("#") for speech in speeches)


# ---- Atom ----------------------------------------------------------------------------------------


def test_atom_feeds_read_by_feedparser_one_id_per_language(site: Site) -> None:
    ids = set()
    for lang in LANGUAGES:
        address = f"{BASE}/feed.atom?lang={lang}"
        answer = site.get(address)
        assert answer.headers["content-type"].startswith("application/atom+xml")
        assert "accept-language" in vary(answer)
        feed = feedparser.parse(answer.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert feed.feed.id == PUBLIC_URL + address
        assert feed.feed.get("language") == lang
        self_links = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_links == [PUBLIC_URL + address]
        assert feed.entries, "the demo's published reports"
        for entry in feed.entries:
            assert entry.id and entry.title and entry.updated_parsed and entry.link
            assert local_path(entry.link).startswith(f"{BASE}/records/")
        ids.add(feed.feed.id)
    assert len(ids) == len(LANGUAGES)
    # Entries are the same reports in every language: the same ids.
    entry_ids = {
        lang: [
            e.id
            for e in feedparser.parse(site.get(f"{BASE}/feed.atom?lang={lang}").content).entries
        ]
        for lang in LANGUAGES
    }
    assert all(found == entry_ids["en"] for found in entry_ids.values())


# ---- schema.org JSON-LD ------------------------------------------------------------------------


def check_event_ld(data: dict[str, Any], *, top: bool = True) -> None:
    """What schema.org and search engines need of an Event: a name, a start with its offset,
    a place with an address, the status and attendance mode as full URLs."""
    if top:
        assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"].strip() and data["@id"].startswith(PUBLIC_URL)
    for key in ("startDate", "endDate"):
        moment = dt.datetime.fromisoformat(data[key])
        assert moment.utcoffset() is not None, key
    assert dt.datetime.fromisoformat(data["endDate"]) >= dt.datetime.fromisoformat(
        data["startDate"]
    )
    assert data["eventStatus"].startswith("https://schema.org/Event")
    assert data["eventAttendanceMode"].startswith("https://schema.org/")
    place = data["location"]
    assert place["@type"] == "Place" and place["name"].strip()
    assert place["address"]["@type"] == "PostalAddress" and place["address"]["addressLocality"]
    for performer in data.get("performer", []):
        assert performer["@type"] == "Person" and performer["name"].strip()


def test_json_ld_of_the_event_page_and_every_session_page(site: Site) -> None:
    for lang in LANGUAGES:
        page = site.get(f"{BASE}?lang={lang}")
        assert page.status == 200 and "accept-language" in vary(page)
        event = json_ld(page)
        check_event_ld(event)
        assert event["subEvent"]
        # Every session page in the first language, the first session's in every language.
        subs = event["subEvent"] if lang == LANGUAGES[0] else event["subEvent"][:1]
        for sub in event["subEvent"]:
            check_event_ld(sub, top=False)
        for sub in subs:
            session_page = site.get(f"{local_path(sub['url'])}?lang={lang}")
            assert session_page.status == 200
            session = json_ld(session_page)
            check_event_ld(session)
            assert session["@id"] == sub["@id"]
            parent = session["superEvent"]
            check_event_ld(parent, top=False)
            assert parent["@id"] == event["@id"] and parent["startDate"] == event["startDate"]
            assert parent["location"] == event["location"]


# ---- sitemap and robots --------------------------------------------------------------------------


def test_sitemap_lists_every_published_page_in_every_language(site: Site) -> None:
    answer = site.get("/sitemap.xml")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/xml")
    document = xml_valid(etree.XMLSchema(etree.fromstring(SITEMAP_XSD.encode())), answer.content)
    ns = {"s": SITEMAP, "x": XHTML}
    urls = document.findall("s:url", ns)
    locations = [url.findtext("s:loc", namespaces=ns) for url in urls]
    assert len(locations) == len(set(locations))
    by_page: dict[str, set[str]] = {}
    for url, location in zip(urls, locations, strict=True):
        path = local_path(location)
        page, _, query = path.partition("?")
        lang = parse_qs(query)["lang"][0]
        by_page.setdefault(page, set()).add(lang)
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", ns)
            if link.get("rel") == "alternate"
        }
        # Each language version names all of them, itself included, and the negotiated one.
        assert alternates[lang] == location
        assert alternates["x-default"] == PUBLIC_URL + page
        assert {code for code in alternates if code != "x-default"} == set(LANGUAGES), page
    # Every page of the demo that the public can open is there, in every language.
    event_page = json_ld(site.get(f"{BASE}?lang=en"))
    sessions = {local_path(sub["url"]) for sub in event_page["subEvent"]}
    records = {
        local_path(entry.link)
        for entry in feedparser.parse(site.get(f"{BASE}/feed.atom?lang=en").content).entries
    }
    expected = {"/", BASE, f"{BASE}/programme", *sessions, *records}
    assert expected <= set(by_page)
    speeches = {page for page in by_page if page.startswith(f"{BASE}/speeches/")}
    assert speeches
    assert all(by_page[page] == set(LANGUAGES) for page in by_page)
    # One page of each kind opens here; test_sitemap.py opens every page of a smaller event.
    kinds = {
        re.sub(r"/[^/]+$", "/…", page) if page.count("/") > 3 else page: page for page in by_page
    }
    for page in sorted(kinds.values()):
        assert site.get(f"{page}?lang=de").status == 200, page
    assert not any(page.startswith(("/manage", "/desk", "/api")) for page in by_page)

    robots = site.get("/robots.txt")
    assert robots.status == 200 and robots.headers["content-type"].startswith("text/plain")
    lines = robots.text.splitlines()
    assert lines[0] == "User-agent: *" and f"Sitemap: {PUBLIC_URL}/sitemap.xml" in lines
    assert {"Disallow: /manage/", "Disallow: /api/", "Disallow: /desk/"} <= set(lines)


# ---- Vary: Accept-Language ---------------------------------------------------------------------


def test_answers_that_depend_on_accept_language_say_so(site: Site) -> None:
    negotiated = [BASE, f"{BASE}/programme", "/", "/sitemap.xml", "/login", "/no/such/page"]
    negotiated += [f"{BASE}/{name}" for name in EXPORTS]
    for path in negotiated:
        german = site.get(path, **{"accept-language": "de-DE,de;q=0.9"})
        assert "accept-language" in vary(german), path
    german = site.get(f"{BASE}/schedule.json", **{"accept-language": "de"})
    russian = site.get(f"{BASE}/schedule.json", **{"accept-language": "ru"})
    assert german.content != russian.content, "the header does change the content"
    assert "accept-language" not in vary(site.get("/static/css/public.css"))


# ---- OpenAPI -----------------------------------------------------------------------------------


def test_openapi_is_valid_and_declares_errors_and_security(site: Site) -> None:
    answer = site.get("/schema/openapi.json")
    document = json.loads(answer.content)
    validate_openapi(document)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert "BearerToken" in document["components"]["securitySchemes"]

    operations = 0
    for route in site.app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
            guarded = any(guard is not public for guard in guards)
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                operation = document["paths"][route.path_format][method.lower()]
                name = f"{method} {route.path_format}"
                operations += 1
                responses = operation["responses"]
                errors = {int(code) for code in responses if int(code) >= 400}
                if guarded:
                    assert operation.get("security") == [{"BearerToken": []}], name
                    assert {401, 403} <= errors, name
                else:
                    assert "security" not in operation and not {401, 403} & errors, name
                if "{" in route.path_format:
                    assert 404 in errors, name
                if method in {"POST", "PUT", "PATCH", "DELETE"}:
                    assert 409 in errors, name
                if method in {"POST", "PUT", "PATCH"}:
                    assert 422 in errors, name
                for code in errors:
                    content = responses[str(code)]["content"]
                    assert content["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }, (name, code)
    assert operations > 100
    participants = document["paths"]["/api/v1/events/{event}/participants"]["get"]
    assert participants["security"] == [{"BearerToken": []}]
    upload = document["paths"]["/api/v1/events/{event}/photos"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form  # the photo's form, with its file
    assert document["paths"]["/api/v1/media-items/{item_id}/file"]["get"]["security"]
