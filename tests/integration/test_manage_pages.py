"""The organizer pages over real HTTP: forms, validation beside the fields, the audit log."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import AuditEntry
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import AgendaItem, Session, Speech
from tests.conftest import log_in, make_staff, post_form

HTML = {"accept": "text/html"}


async def organizer_client(client: AsyncTestClient[Litestar], db: AsyncSession) -> None:
    user, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, user.email)


async def add_person(db: AsyncSession, given: str, family: str) -> Person:
    person = Person(given_name={"en": given}, family_name={"en": family})
    db.add(person)
    await db.commit()
    return person


EVENT = {
    "name.en": "World Congress",
    "name.ru": "Всемирный конгресс",
    "slug": "world-congress",
    "start_date": "2026-05-08",
    "end_date": "2026-05-09",
    "timezone": "Europe/Moscow",
    "languages_text": "ru en",
    "status": "draft",
}


async def test_event_form_keeps_values_and_shows_errors(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    await organizer_client(client, db)
    bad = await post_form(
        client, "/manage/events/new", {**EVENT, "slug": "Not A Slug", "end_date": "2026-05-01"}
    )
    assert bad.status_code == 422
    assert 'value="Not A Slug"' in bad.text
    assert 'value="Всемирный конгресс"' in bad.text
    assert re.search(r'id="slug-error">Use lower-case letters, digits and hyphens', bad.text)
    assert await db.scalar(select(func.count()).select_from(Event)) == 0

    wrong_dates = await post_form(client, "/manage/events/new", {**EVENT, "end_date": "2026-05-01"})
    assert wrong_dates.status_code == 422
    assert 'id="end_date-error">Must not be before the start.' in wrong_dates.text

    created = await post_form(client, "/manage/events/new", EVENT)
    assert created.status_code == 303
    assert created.headers["location"] == "/manage/events/world-congress"
    page = await client.get("/manage/events/world-congress", headers=HTML)
    assert "The event was created." in page.text
    assert "World Congress" in page.text

    taken = await post_form(client, "/manage/events/new", EVENT)
    assert taken.status_code == 422
    assert "This is already taken; choose another." in taken.text


async def test_programme_flow_with_conflicts_and_history(
    client: AsyncTestClient, db: AsyncSession, count_queries
) -> None:
    await organizer_client(client, db)
    assert (await post_form(client, "/manage/events/new", EVENT)).status_code == 303
    ann = await add_person(db, "Ann", "Archer")
    bob = await add_person(db, "Bob", "Baker")
    cem = await add_person(db, "Cem", "Cole")

    async def add_session(title: str, start: str, end: str) -> int:
        response = await post_form(
            client,
            "/manage/events/world-congress/sessions",
            {"title.ru": title, "kind": "plenary", "planned_start": start, "planned_end": end},
        )
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    opening = await add_session("Открытие", "2026-05-08T10:00", "2026-05-08T12:00")
    second = await add_session("Пленарное", "2026-05-08T11:00", "2026-05-08T13:00")
    session = await db.get(Session, opening)
    assert session is not None and session.planned_start.isoformat() == "2026-05-08T07:00:00+00:00"

    bad_time = await post_form(
        client,
        "/manage/events/world-congress/sessions",
        {
            "title.ru": "X",
            "kind": "plenary",
            "planned_start": "2026-05-08T10:00",
            "planned_end": "2026-05-08T09:00",
        },
    )
    assert bad_time.status_code == 422
    assert "Must not be before the start." in bad_time.text

    for number, person, role in ((1, bob, "member"), (2, ann, "chair"), (3, cem, "member")):
        seat = await post_form(
            client,
            f"/manage/sessions/{opening}/presidium",
            {"person_id": person.id, "seat_number": number, "role": role},
        )
        assert seat.status_code == 303, seat.text
    taken = await post_form(
        client, f"/manage/sessions/{opening}/presidium", {"person_id": ann.id, "seat_number": 4}
    )
    assert taken.status_code == 422
    assert "This person is already listed here." in taken.text
    # Bob sits on both presidiums, which overlap in time.
    await post_form(
        client, f"/manage/sessions/{second}/presidium", {"person_id": bob.id, "seat_number": 1}
    )

    speech = await post_form(
        client,
        f"/manage/sessions/{opening}/speeches",
        {
            "kind": "address",
            "language": "ru",
            "speakers.0.person_id": ann.id,
            "speakers.1.person_id": bob.id,
            "transcript.ru": "Дорогие друзья!",
        },
    )
    assert speech.status_code == 303, speech.text
    no_speaker = await post_form(
        client, f"/manage/sessions/{opening}/speeches", {"kind": "address", "language": "ru"}
    )
    assert no_speaker.status_code == 422
    assert "Choose at least one." in no_speaker.text
    assert await db.scalar(select(func.count()).select_from(AgendaItem)) == 1

    gift = await post_form(
        client,
        f"/manage/sessions/{opening}/gifts",
        {
            "description.ru": "Ваза",
            "giver_id": cem.id,
            "recipient_id": ann.id,
            "received_by_id": ann.id,
        },
    )
    assert gift.status_code == 422
    assert "The proxy must be somebody other than the recipient." in gift.text
    gift = await post_form(
        client,
        f"/manage/sessions/{opening}/gifts",
        {
            "description.ru": "Ваза",
            "giver_id": cem.id,
            "recipient_id": ann.id,
            "received_by_id": bob.id,
        },
    )
    assert gift.status_code == 303
    award = await post_form(
        client,
        f"/manage/sessions/{opening}/awards",
        {"name.ru": "Памятный знак", "kind": "badge", "recipient_id": cem.id},
    )
    assert award.status_code == 303

    items = (await db.scalars(select(AgendaItem).order_by(AgendaItem.position))).all()
    assert [i.kind.value for i in items] == ["speech", "gift", "award"]
    moved = await post_form(client, f"/manage/agenda-items/{items[2].id}/move?direction=up", {})
    assert moved.status_code == 303
    order = [items[2].id, items[0].id, items[1].id]
    await post_form(
        client, f"/manage/sessions/{opening}/agenda/order", [("item_ids", i) for i in order]
    )
    db.expire_all()
    positions = (await db.scalars(select(AgendaItem.id).order_by(AgendaItem.position))).all()
    assert list(positions) == order

    count_queries.count = 0
    page = await client.get("/manage/events/world-congress", headers=HTML)
    small = count_queries.count
    assert page.status_code == 200
    text = page.text
    for expected in ("Ann Archer", "Bob Baker", "Cem Cole", "Ваза", "Памятный знак"):
        assert expected in text
    assert "received on their behalf by Bob Baker" in text
    assert "Bob Baker is in two places at once" in text
    assert "is not a participant of the event" in text

    # More of everything must not mean more queries.
    for index in range(5):
        await add_session(f"Секция {index}", "2026-05-09T10:00", "2026-05-09T11:00")
    count_queries.count = 0
    await client.get("/manage/events/world-congress", headers=HTML)
    assert count_queries.count == small

    session_page = await client.get(f"/manage/sessions/{opening}", headers=HTML)
    assert session_page.status_code == 200
    assert 'class="seat chair' in session_page.text

    speech_id = await db.scalar(select(Speech.id))
    transcript = await post_form(
        client,
        f"/manage/speeches/{speech_id}?lang=en",
        {
            "transcript_language": "en",
            "transcript.en": "Dear friends!",
            "transcript_status.en": "translation",
        },
    )
    assert transcript.status_code == 303
    db.expire_all()
    stored = await db.get(Speech, speech_id)
    assert stored is not None
    assert stored.transcript == {"ru": "Дорогие друзья!", "en": "Dear friends!"}
    assert stored.transcript_status == {"en": "translation"}

    history = await client.get("/manage/events/world-congress/history", headers=HTML)
    assert history.status_code == 200
    assert "Dear friends!" in history.text
    assert await db.scalar(select(func.count()).select_from(AuditEntry)) > 10

    timeline = await client.get("/manage/events/world-congress/timeline", headers=HTML)
    assert timeline.status_code == 200
    assert "timeline-block conflict" in timeline.text


async def test_registrar_is_refused_organizer_pages(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    user, _ = await make_staff(db, Role.REGISTRAR)
    await log_in(client, user.email)
    refused = await client.get("/manage/events/new", headers=HTML)
    assert refused.status_code == 403
    assert "Your role cannot use this page" in refused.text


async def test_new_session_starts_when_the_last_one_ends(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    await organizer_client(client, db)
    assert (await post_form(client, "/manage/events/new", EVENT)).status_code == 303
    first = await client.get("/manage/events/world-congress", headers=HTML)
    assert (
        'id="f-planned_start" name="planned_start" type="datetime-local" value="2026-05-08T10:00"'
        in (first.text)
    )
    added = await post_form(
        client,
        "/manage/events/world-congress/sessions",
        {
            "title.ru": "Открытие",
            "kind": "ceremony",
            "planned_start": "2026-05-08T10:00",
            "planned_end": "2026-05-08T12:30",
        },
    )
    assert added.status_code == 303
    page = await client.get("/manage/events/world-congress", headers=HTML)
    assert 'name="planned_start" type="datetime-local" value="2026-05-08T12:30"' in page.text
    assert 'name="planned_end" type="datetime-local" value="2026-05-08T13:30"' in page.text


async def test_people_and_organizations_are_paged(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    db.add_all(
        [Person(given_name={"en": "P"}, family_name={"en": f"Person {n:03}"}) for n in range(120)]
    )
    await db.commit()
    await organizer_client(client, db)
    first = await client.get("/manage/people", headers=HTML)
    assert "120 people" in first.text and "Page 1 of 3" in first.text
    assert "Person 000" in first.text and "Person 050" not in first.text
    third = await client.get("/manage/people?q=&page=3", headers=HTML)
    assert "Person 119" in third.text and "Person 099" not in third.text
    assert 'rel="prev"' in third.text and 'rel="next"' not in third.text
    found = await client.get("/manage/people?q=person 11", headers={**HTML, "hx-request": "true"})
    assert found.text.count("/manage/people/") == 10
    empty = await client.get("/manage/organizations", headers=HTML)
    assert "No organizations yet." in empty.text


async def test_person_page_shows_the_stored_details(
    client: AsyncTestClient, db: AsyncSession
) -> None:
    person = await add_person(db, "Ann", "Archer")
    await organizer_client(client, db)
    page = await client.get(f"/manage/people/{person.id}", headers=HTML)
    # The details form (after the positions panel) is filled from the record.
    assert 'name="family_name.en" value="Archer"' in page.text
    assert 'name="given_name.en" value="Ann"' in page.text
    bad = await post_form(client, f"/manage/people/{person.id}/positions", {"title.en": ""})
    assert bad.status_code == 422
    assert 'name="family_name.en" value="Archer"' in bad.text


async def test_saving_an_edit_form_unchanged_changes_nothing(
    client: AsyncTestClient, db: AsyncSession, demo: Event, tokens: dict[Role, dict[str, str]]
) -> None:
    """Every edit form of the workspace, sent back as the page gave it, leaves the thing as it
    was through the API's eyes: a field the form does not show (the event's registration
    categories, an item's place) is kept, not emptied."""
    from lxml import html

    organizer = tokens[Role.ORGANIZER]
    staff, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, staff.email)
    session_id = await db.scalar(
        select(Session.id).where(Session.event_id == demo.id).order_by(Session.id).limit(1)
    )
    item_id = await db.scalar(
        select(AgendaItem.id).where(AgendaItem.session_id == session_id).limit(1)
    )
    forms = [
        (f"/manage/events/{demo.slug}/edit", f"/api/v1/events/{demo.slug}"),
        (f"/manage/sessions/{session_id}/edit", f"/api/v1/sessions/{session_id}"),
        (f"/manage/agenda-items/{item_id}", f"/api/v1/agenda-items/{item_id}"),
    ]
    for page, api in forms:
        before = (await client.get(api, headers=organizer)).json()
        shown = await client.get(page, headers={"accept": "text/html"})
        assert shown.status_code == 200, page
        tree = html.fromstring(shown.text)
        posting = [f for f in tree.forms if f.method.upper() == "POST"]
        form = next(
            (f for f in posting if f.get("action") in (None, "", page)),
            None,
        )
        assert form is not None, (page, [f.get("action") for f in posting])
        fields = [(name, value) for name, value in form.form_values() if name != "_csrf_token"]
        saved = await post_form(client, page, fields)
        assert saved.status_code == 303, (page, re.findall(r"field-error[^>]*>([^<]+)", saved.text))
        after = (await client.get(api, headers=organizer)).json()

        def same(one: object, other: object) -> bool:
            return one == other or (not one and not other and one in (None, {}, ""))

        changed = {
            key: (before[key], after.get(key))
            for key in before
            if key != "updated_at" and not same(before[key], after.get(key))
        }
        assert not changed, (page, changed)
