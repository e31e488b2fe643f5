"""What happened in each session, in the open formats (issue 14, items 2, 3, 4, 7): Akoma Ntoso
marks the language of untranslated speeches and the parts people play in awards and gifts; the
frab schedules and the calendar carry the agenda; frab persons have what clients read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import AgendaItem, Award, Gift, Session, Speech

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
AKN = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGES = ("en", "ru", "zh", "de")


@pytest.fixture(scope="module")
def akn_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "akoma-ntoso" / "akomantoso30.xsd")))


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
