"""What happened in each session, in the open formats (issue 14, items 2, 3, 4, 7): Akoma Ntoso
marks the language of untranslated speeches and the parts people play in awards and gifts; the
frab schedules and the calendar carry the agenda; frab persons have what clients read."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.db.base import utc_now
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.people.services import person_name
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.translation import resolve

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
AKN = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("en", "ru", "zh", "de")


@pytest.fixture(scope="module")
def akn_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "akoma-ntoso" / "akomantoso30.xsd")))


@pytest.fixture(scope="module")
def frab_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "frab" / "schedule.xml.xsd")))


async def _person(db: AsyncSession, person_id: int | None) -> Person:
    person = await db.get(Person, person_id)
    assert person is not None
    return person


async def test_akoma_ntoso_languages_awards_and_gifts(
    client: Any, db: AsyncSession, demo_slug: str, akn_xsd: etree.XMLSchema
) -> None:
    event = (await db.scalars(select(Event).where(Event.slug == demo_slug))).one()
    speeches = (
        await db.scalars(
            select(Speech)
            .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
            .join(Session, Session.id == AgendaItem.session_id)
            .where(Session.event_id == event.id)
            .order_by(Speech.id)
        )
    ).all()
    assert len(speeches) >= 3
    # One speech delivered in Chinese and not translated at all; another translated into
    # Russian only (besides its original).
    untranslated, partly = speeches[0], speeches[1]
    await db.execute(
        update(Speech)
        .where(Speech.id == untranslated.id)
        .values(language="zh", transcript={"zh": "朋友们好！"}, updated_at=utc_now())
    )
    await db.execute(
        update(Speech)
        .where(Speech.id == partly.id)
        .values(
            language="de",
            transcript={"de": "Liebe Freunde!", "ru": "Дорогие друзья!"},
            updated_at=utc_now(),
        )
    )
    await db.commit()
    gift = (
        await db.scalars(
            select(Gift)
            .join(AgendaItem, AgendaItem.id == Gift.agenda_item_id)
            .join(Session, Session.id == AgendaItem.session_id)
            .where(Session.event_id == event.id, Gift.received_by_id.is_not(None))
        )
    ).first()
    award = (
        await db.scalars(
            select(Award)
            .join(AgendaItem, AgendaItem.id == Award.agenda_item_id)
            .join(Session, Session.id == AgendaItem.session_id)
            .where(Session.event_id == event.id, Award.presenter_id.is_not(None))
        )
    ).first()
    assert gift is not None and award is not None
    parts = {
        "gift": {
            "giver": await _person(db, gift.giver_id),
            "recipient": await _person(db, gift.recipient_id),
            "proxy": await _person(db, gift.received_by_id),
        },
        "award": {
            "awardee": await _person(db, award.recipient_id),
            "presenter": await _person(db, award.presenter_id),
        },
    }
    proxy_words = {
        "en": "received on his or her behalf by",
        "ru": "принял(а) от его/её имени",
        "zh": "代为接受",
        "de": None,  # whatever the German catalogue says: the proxy is marked up all the same
    }

    for lang in LANGUAGES:
        response = await client.get(f"/events/{demo_slug}/proceedings.akn.xml?lang={lang}")
        assert response.status_code == 200
        tree = etree.ElementTree(etree.fromstring(response.content))
        assert akn_xsd.validate(tree), "\n".join(str(e) for e in akn_xsd.error_log)
        references = tree.find(".//akn:references", AKN)
        assert references is not None
        targets = {element.get("eId"): element for element in references}
        persons = {
            key: element.get("href")
            for key, element in targets.items()
            if "TLCPerson" in str(element.tag)
        }
        assert len(set(persons.values())) == len(persons)  # one TLCPerson per person
        # Every reference of the document resolves, to the kind of thing it should (an href of
        # the parliamentary analysis points at an element of the body).
        in_body = {element.get("eId") for element in tree.iter() if element.get("eId")}
        for element in tree.iter():
            for attribute in ("by", "refersTo", "as", "href"):
                value = element.get(attribute)
                if value and value.startswith("#"):
                    assert value[1:] in (in_body if attribute == "href" else targets), (
                        attribute,
                        value,
                    )
        for element in tree.iterfind(".//akn:person", AKN):
            assert "TLCPerson" in targets[element.get("refersTo")[1:]].tag
            assert "TLCRole" in targets[element.get("as")[1:]].tag
            # The name shown is the one the reference gives.
            assert element.text == targets[element.get("refersTo")[1:]].get("showAs")
        for element in tree.iterfind(".//akn:speech", AKN):
            assert "TLCPerson" in targets[element.get("by")[1:]].tag

        # Languages: only a text in another language than the document's says which.
        speech_elements = {
            element.get("eId"): element for element in tree.iterfind(".//akn:speech", AKN)
        }
        first = speech_elements[f"speech_{untranslated.uid}"]
        second = speech_elements[f"speech_{partly.uid}"]
        assert first.get(XML_LANG) == (None if lang == "zh" else "zh"), lang
        assert second.get(XML_LANG) == (None if lang in {"de", "ru"} else "de"), lang
        # The demo's own speeches: marked exactly when not translated into the document's.
        for speech in speeches[2:]:
            translated = bool(speech.transcript.get(lang))
            marked = speech_elements[f"speech_{speech.uid}"].get(XML_LANG)
            assert (marked is None) == translated, (lang, speech.id, marked)
            assert marked is None or speech.transcript.get(marked)

        # The gift: giver, recipient and proxy told apart by their part, each the right person.
        (gift_element,) = tree.iterfind(f".//akn:other[@eId='gift_{gift.uid}']", AKN)
        (award_element,) = tree.iterfind(f".//akn:other[@eId='award_{award.uid}']", AKN)
        for element, kind in ((gift_element, "gift"), (award_element, "award")):
            found = {
                person.get("as")[len("#role_") :]: targets[person.get("refersTo")[1:]].get("href")
                for person in element.iterfind(".//akn:person", AKN)
            }
            assert found == {
                part: f"/ontology/person/{person.uid}" for part, person in parts[kind].items()
            }, (lang, kind)
        proxy_line = gift_element.find("akn:p[@class='proxy']", AKN)
        assert proxy_line is not None
        text = "".join(proxy_line.itertext())
        assert (
            parts["gift"]["proxy"].uid
            in persons[proxy_line.find("akn:person", AKN).get("refersTo")[1:]]
        )
        if proxy_words[lang]:
            assert proxy_words[lang] in text, (lang, text)
        assert award_element.find("akn:p[@class='citation']", AKN) is not None


async def _demo_sessions(db: AsyncSession, slug: str) -> tuple[Event, list[Session]]:
    """The demo's sessions with everything their agenda names, read with the ORM."""
    event = (await db.scalars(select(Event).where(Event.slug == slug))).one()
    sessions = (
        await db.scalars(
            select(Session)
            .where(Session.event_id == event.id)
            .order_by(Session.planned_start, Session.id)
            .options(
                selectinload(Session.agenda).options(
                    selectinload(AgendaItem.speech)
                    .selectinload(Speech.speakers)
                    .options(
                        selectinload(SpeechSpeaker.person),
                        selectinload(SpeechSpeaker.position),
                    ),
                    selectinload(AgendaItem.award).options(
                        selectinload(Award.recipient), selectinload(Award.presenter)
                    ),
                    selectinload(AgendaItem.gift).options(
                        selectinload(Gift.giver),
                        selectinload(Gift.recipient),
                        selectinload(Gift.received_by),
                    ),
                )
            )
        )
    ).all()
    return event, list(sessions)


def _expected(event: Event, session: Session, lang: str) -> list[str]:
    """What the session's description must say, in this order."""
    languages = event.languages

    def name(person: Person) -> str:
        return person_name(person, lang, languages)

    def tx(value: dict[str, str] | None) -> str:
        return resolve(value, lang, languages).text

    said: list[str] = []
    for item in session.agenda:
        if item.speech is not None:
            if item.speech.title:
                said.append(tx(item.speech.title))
            for speaker in item.speech.speakers:
                said.append(name(speaker.person))
                if speaker.position is not None:
                    said.append(tx(speaker.position.title))
                if speaker.capacity:
                    said.append(tx(speaker.capacity))
        elif item.award is not None:
            said += [tx(item.award.name), name(item.award.recipient)]
            if item.award.presenter is not None:
                said.append(name(item.award.presenter))
            if item.award.citation:
                said.append(tx(item.award.citation))
        elif item.gift is not None:
            said += [name(item.gift.giver), name(item.gift.recipient)]
            if item.gift.received_by is not None:
                said.append(name(item.gift.received_by))
            said.append(tx(item.gift.description))
    return said


def _in_order(text: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, (part, text[at:])
        at = found + len(part)


async def test_schedules_and_calendar_carry_the_agenda_and_speakers(
    client: Any, db: AsyncSession, demo_slug: str, frab_xsd: etree.XMLSchema
) -> None:
    event, sessions = await _demo_sessions(db, demo_slug)
    by_uid = {session.uid: session for session in sessions}
    schema = json.loads((STANDARDS / "frab" / "schema.json").read_text())
    awards = gifts = proxies = 0
    for lang in LANGUAGES:
        xml = await client.get(f"/events/{demo_slug}/schedule.xml?lang={lang}")
        tree = etree.ElementTree(etree.fromstring(xml.content))
        assert frab_xsd.validate(tree), "\n".join(str(e) for e in frab_xsd.error_log)
        response = await client.get(f"/events/{demo_slug}/schedule.json?lang={lang}")
        document = response.json()
        jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
        ics = await client.get(f"/events/{demo_slug}/calendar.ics?lang={lang}")
        # Item 7: one charset.
        assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(ics.content)
        talks = {
            talk["guid"]: talk
            for day in document["schedule"]["conference"]["days"]
            for talks in day["rooms"].values()
            for talk in talks
        }
        elements = {element.get("guid"): element for element in tree.iter("event")}
        vevents = {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}
        assert set(talks) == set(elements) == set(vevents) == set(by_uid)
        for uid, session in by_uid.items():
            expected = _expected(event, session, lang)
            awards += sum(item.award is not None for item in session.agenda)
            gifts += sum(item.gift is not None for item in session.agenda)
            proxies += sum(bool(item.gift and item.gift.received_by) for item in session.agenda)
            talk, element = talks[uid], elements[uid]
            _in_order(talk["description"] or "", expected)
            _in_order(element.findtext("description") or "", expected)
            _in_order(str(vevents[uid].get("DESCRIPTION", "")), expected)
            if expected:
                assert talk["abstract"] and element.findtext("abstract")
            # Item 4: what frab clients read of a speaker. pyfahrplan joins
            # person.get("public_name", person.get("full_public_name", "")); others read the
            # XML person's text or the JSON "name"; guids identify them.
            speakers = [
                person_name(speaker.person, lang, event.languages)
                for item in session.agenda
                if item.speech is not None
                for speaker in item.speech.speakers
            ]
            unique = list(dict.fromkeys(speakers))
            assert [
                p.get("public_name", p.get("full_public_name", "")) for p in talk["persons"]
            ] == unique
            assert [p["name"] for p in talk["persons"]] == unique
            assert [p.text for p in element.iterfind("persons/person")] == unique
            for person in talk["persons"]:
                assert str(uuid.UUID(person["guid"])) == person["guid"]
            assert [p.get("guid") for p in element.iterfind("persons/person")] == [
                p["guid"] for p in talk["persons"]
            ]
        if lang == "ru":
            gift_talk = next(
                talks[uid]
                for uid, session in by_uid.items()
                if any(item.gift and item.gift.received_by for item in session.agenda)
            )
            assert "принял(а) от его/её имени" in gift_talk["description"]
    assert awards and gifts and proxies  # the demo has them, in every language
    one = sessions[0]
    response = await client.get(f"/events/{demo_slug}/sessions/{one.id}/calendar.ics?lang=de")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["UID"]) == one.uid
    _in_order(str(vevent.get("DESCRIPTION", "")), _expected(event, one, "de"))
