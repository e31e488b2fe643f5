"""Person pickers: the search endpoint htmx calls, and the same forms without script."""

from __future__ import annotations

import datetime as dt
import re

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Gift, PresidiumSeat, Session, SpeechSpeaker
from tests.conftest import log_in, make_staff, post_form

HTML = {"accept": "text/html"}


async def setup(db: AsyncSession) -> dict[str, int]:
    event = Event(
        slug="congress",
        name={"en": "Congress"},
        start_date=dt.date(2026, 5, 8),
        end_date=dt.date(2026, 5, 8),
        languages=["en", "ru"],
    )
    db.add(event)
    await db.flush()
    session = Session(
        event_id=event.id,
        title={"en": "Opening"},
        planned_start=dt.datetime(2026, 5, 8, 10, tzinfo=dt.UTC),
        planned_end=dt.datetime(2026, 5, 8, 12, tzinfo=dt.UTC),
    )
    people = {
        "ann": Person(given_name={"en": "Ann"}, family_name={"en": "Archer"}, country="GB"),
        "anna": Person(
            given_name={"en": "Anna", "ru": "Анна"},
            family_name={"en": "Archer", "ru": "Арчер"},
            country="RU",
        ),
        "bob": Person(given_name={"en": "Bob"}, family_name={"en": "Baker"}),
    }
    db.add_all([session, *people.values()])
    await db.commit()
    return {"session": session.id, **{key: person.id for key, person in people.items()}}


async def as_organizer(client: AsyncTestClient, db: AsyncSession) -> None:
    user, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, user.email)


async def test_search_endpoint(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await setup(db)
    url = "/manage/people/pick?field=speakers.0.person_id&speakers.0.person_id__q="
    anonymous = await client.get(url + "bak", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303
    registrar, _ = await make_staff(db, Role.REGISTRAR)
    await log_in(client, registrar.email)
    found = await client.get(url + "bak", headers={**HTML, "hx-request": "true"})
    assert found.status_code == 200
    assert f'data-id="{ids["bob"]}"' in found.text and 'data-label="Bob Baker"' in found.text
    assert "Archer" not in found.text
    # Any language of a name finds the person.
    assert f'data-id="{ids["anna"]}"' in (await client.get(url + "арч", headers=HTML)).text
    nobody = await client.get(url + "zed", headers=HTML)
    assert "Nobody matches “zed”" in nobody.text
    assert (await client.get(url, headers=HTML)).text.strip() == ""
    # Pickers ask while pages load: their answers leave the session as the pages wrote it.
    assert "congress_session" not in found.headers.get("set-cookie", "")


async def test_pickers_without_script(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await setup(db)
    await as_organizer(client, db)
    seats = f"/manage/sessions/{ids['session']}/presidium"
    page = await client.get(f"/manage/sessions/{ids['session']}", headers=HTML)
    assert 'name="person_id__q"' in page.text and 'hx-get="/manage/people/pick' in page.text

    blank = await post_form(
        client, seats, {"person_id": "", "person_id__q": "", "seat_number": "1"}
    )
    assert blank.status_code == 422
    assert 'id="person_id-error">Choose a person.' in blank.text
    nobody = await post_form(
        client, seats, {"person_id": "", "person_id__q": "Zed", "seat_number": "1"}
    )
    assert nobody.status_code == 422
    assert 'id="person_id-error">Nobody matches “Zed”.' in nobody.text
    assert 'value="Zed"' in nobody.text

    # Two Archers: both offered beside the field; the next post says which.
    several = await post_form(
        client, seats, {"person_id": "", "person_id__q": "archer", "seat_number": "1"}
    )
    assert several.status_code == 422
    assert "2 people match “archer”: choose one." in several.text
    assert f'type="radio" name="person_id" value="{ids["anna"]}"' in several.text
    assert "Anna Archer (RU)" in several.text
    was = re.search(r'name="person_id__was" value="([^"]*)"', several.text)
    assert was is not None and was.group(1) == "archer"
    chosen = await post_form(
        client,
        seats,
        {
            "person_id": ids["anna"],
            "person_id__q": "archer",
            "person_id__was": "archer",
            "seat_number": "1",
        },
    )
    assert chosen.status_code == 303, chosen.text

    # One match is taken as it is; a full name picks among namesakes.
    for number, typed in ((2, "baker"), (3, "Ann Archer")):
        added = await post_form(
            client, seats, {"person_id": "", "person_id__q": typed, "seat_number": number}
        )
        assert added.status_code == 303, added.text
    seated = dict(
        (await db.execute(select(PresidiumSeat.seat_number, PresidiumSeat.person_id)))
        .tuples()
        .all()
    )
    assert seated == {1: ids["anna"], 2: ids["bob"], 3: ids["ann"]}


async def test_changed_name_wins_over_the_old_choice(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    ids = await setup(db)
    await as_organizer(client, db)
    gift = await post_form(
        client,
        f"/manage/sessions/{ids['session']}/gifts",
        {
            "description.en": "A vase",
            # Chosen with script, then unchanged:
            "giver_id": ids["bob"],
            "giver_id__q": "Bob Baker",
            "giver_id__was": "Bob Baker",
            # Chosen, then retyped without script:
            "recipient_id": ids["bob"],
            "recipient_id__q": "Anna",
            "recipient_id__was": "Bob Baker",
            # Emptied: nobody received it by proxy.
            "received_by_id": ids["ann"],
            "received_by_id__q": "",
            "received_by_id__was": "Ann Archer",
        },
    )
    assert gift.status_code == 303, gift.text
    stored = await db.scalar(select(Gift))
    assert stored is not None
    assert (stored.giver_id, stored.recipient_id, stored.received_by_id) == (
        ids["bob"],
        ids["anna"],
        None,
    )


async def test_speakers_are_picked_and_shown(client: AsyncTestClient, db: AsyncSession) -> None:
    ids = await setup(db)
    await as_organizer(client, db)
    bad = await post_form(
        client,
        f"/manage/sessions/{ids['session']}/speeches",
        {
            "kind": "address",
            "language": "en",
            "title.en": "Joint address",
            "speakers.0.person_id__q": "Bob",
            "speakers.1.person_id__q": "Nobody at all",
        },
    )
    assert bad.status_code == 422
    assert 'id="speakers.1.person_id-error">Nobody matches' in bad.text
    assert 'value="Bob Baker"' in bad.text and 'value="Joint address"' in bad.text
    speech = await post_form(
        client,
        f"/manage/sessions/{ids['session']}/speeches",
        {
            "kind": "address",
            "language": "en",
            "speakers.0.person_id__q": "Bob",
            "speakers.1.person_id__q": "Ann Archer",
        },
    )
    assert speech.status_code == 303, speech.text
    speakers = (
        await db.scalars(select(SpeechSpeaker.person_id).order_by(SpeechSpeaker.order))
    ).all()
    assert list(speakers) == [ids["bob"], ids["ann"]]
    page = await client.get(speech.headers["location"], headers=HTML)
    assert 'name="speakers.0.person_id__q" value="Bob Baker"' in page.text
    assert 'name="speakers.1.person_id__was" value="Ann Archer"' in page.text
