"""What people read, from their side (HTTP through the app, on the whole demo event): form
errors as sentences in the interface language, dates and times in one style and the event's
zone, the desk's short codes and actions, links by role, error pages, names in the history,
the person picker and its duplicate check."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event, Room
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import (
    SHORT_CODE_ALPHABET,
    Participant,
    grouped_short_code,
)
from tests.conftest import log_in, make_staff, post_form

HTML = {"accept": "text/html"}
RU = {"accept": "text/html", "accept-language": "ru"}
RAW = ("Input should be", "String should match", "Value error", "Field required", "{'en'")


def field_error(page: str, name: str) -> str:
    found = re.search(rf'class="field-error" id="{re.escape(name)}-error">([^<]*)<', page)
    assert found, f"no message beside {name}"
    return html.unescape(found.group(1))


async def staff_client(client: AsyncTestClient, db: AsyncSession, role: Role) -> dict[str, str]:
    user, token = await make_staff(db, role)
    await log_in(client, user.email)
    return {"Authorization": f"Bearer {token}"}


async def test_form_errors_are_sentences_in_the_interface_language(
    client: AsyncTestClient, db: AsyncSession, demo_slug: str
) -> None:
    api = await staff_client(client, db, Role.ORGANIZER)
    bad_event = {
        "name.en": "Test",
        "slug": "Bad Slug!",
        "acronym": "x",
        "start_date": "someday",
        "end_date": "",
        "timezone": "Mars/Olympus",
        "languages_text": "en xx",
        "edition": "0",
        "status": "draft",
    }
    expected = {
        "en": {
            "slug": "Use lower-case letters, digits and hyphens.",
            "acronym": "Use 4 to 40 lower-case letters, digits, hyphens or underscores.",
            "start_date": "Enter a date.",
            "end_date": "Fill in this field.",
            "timezone": "Enter a time zone such as Europe/Vienna.",
            "languages": "Enter a known language code such as en, ru or de.",
            "edition": "Enter a number of at least 1.",
        },
        "ru": {
            "slug": "Используйте строчные латинские буквы, цифры и дефисы.",
            "start_date": "Введите дату.",
            "end_date": "Заполните это поле.",
            "languages": "Введите известный код языка, например en, ru или de.",
        },
    }
    for lang, sentences in expected.items():
        headers = RU if lang == "ru" else HTML
        token = client.cookies["congress_csrf"]
        page = await client.post(
            "/manage/events/new",
            data={**bad_event, "_csrf_token": token},
            headers=headers,
            follow_redirects=False,
        )
        assert page.status_code == 422
        for name, sentence in sentences.items():
            assert field_error(page.text, name) == sentence, (lang, name)
        assert not any(raw in page.text for raw in RAW), lang
        assert 'value="Bad Slug!"' in page.text and 'value="en xx"' in page.text
    # The people form, in Russian: an empty family name, a bad e-mail and country.
    token = client.cookies["congress_csrf"]
    page = await client.post(
        "/manage/people",
        data={"given_name.en": "Ann", "email": "not-mail", "country": "de", "_csrf_token": token},
        headers=RU,
        follow_redirects=False,
    )
    assert page.status_code == 422
    assert field_error(page.text, "family_name") == "Заполните это поле."
    assert field_error(page.text, "email").startswith("Введите адрес электронной почты")
    assert field_error(page.text, "country").startswith("Введите двухбуквенный код страны")
    assert 'value="not-mail"' in page.text and 'value="Ann"' in page.text
    # The API keeps the technical reason, per field.
    answer = await client.post(
        "/api/v1/events",
        json={
            "slug": "Bad Slug!",
            "name": {"en": "Test"},
            "start_date": "2027-01-02",
            "end_date": "2027-01-01",
            "languages": ["en", "xx"],
        },
        headers=api,
    )
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert "pattern" in errors["slug"]
    assert errors["languages"] == "unknown language code 'xx'"


async def test_sessions_outside_the_event_are_warned_and_history_names_things(
    client: AsyncTestClient, db: AsyncSession, demo_slug: str
) -> None:
    api = await staff_client(client, db, Role.ORGANIZER)
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    rooms = (await db.scalars(select(Room).where(Room.venue_id == event.venue_id))).all()
    later = dt.datetime.combine(
        event.end_date + dt.timedelta(days=3), dt.time(10), zoneinfo.ZoneInfo(event.timezone)
    )
    created = await client.post(
        f"/api/v1/events/{demo_slug}/sessions",
        json={
            "title": {"en": "Forgotten excursion", "ru": "Забытая экскурсия"},
            "kind": "excursion",
            "planned_start": later.isoformat(),
            "planned_end": (later + dt.timedelta(hours=2)).isoformat(),
        },
        headers=api,
    )
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    page = await client.get(f"/manage/events/{demo_slug}", headers=HTML)
    outside = re.search(
        r"Planned outside the event's dates \([^)]*\):\s*<a[^>]*>([^<]*)</a>",
        html.unescape(page.text),
    )
    assert outside and outside.group(1) == "Forgotten excursion"
    page = await client.get(f"/manage/events/{demo_slug}", headers=RU)
    assert re.search(
        r"Вне дней мероприятия \([^)]*\):\s*<a[^>]*>Забытая экскурсия</a>", html.unescape(page.text)
    )

    moved = await client.patch(
        f"/api/v1/sessions/{session_id}", json={"room_id": rooms[0].id}, headers=api
    )
    assert moved.status_code == 200, moved.text
    history = html.unescape(
        (await client.get(f"/manage/events/{demo_slug}/history", headers=RU)).text
    )
    assert "Забытая экскурсия" in history  # the title in the interface language
    assert rooms[0].name.get("ru", rooms[0].name.get("en", "")) in history
    assert "room id" not in history and "{'" not in history
    assert "зал" in history or "помещение" in history  # the field, named in Russian


async def test_person_picker_both_orders_duplicates_and_positions(
    client: AsyncTestClient, db: AsyncSession, demo_slug: str
) -> None:
    api = await staff_client(client, db, Role.ORGANIZER)
    for typed in ("Jing Chen", "Chen Jing", "chen  jing", "陈静", "Чэнь Цзин"):
        found = await client.get(
            "/manage/people/pick", params={"field": "person_id", "person_id__q": typed}
        )
        assert "Chen Jing" in found.text or "陈静" in found.text, typed
    # A likely duplicate: asked first, on the page and over the API, then added on confirmation.
    person = {"family_name.en": "Chen", "given_name.en": "Jing", "family_name_first": "on"}
    page = await post_form(client, "/manage/people", person)
    assert page.status_code == 422
    assert "Did you mean Chen Jing" in html.unescape(field_error(page.text, "confirmed_new"))
    assert 'name="confirmed_new"' in page.text
    page = await post_form(client, "/manage/people", {**person, "confirmed_new": "true"})
    assert page.status_code == 303
    body = {"family_name": {"en": "Chen"}, "given_name": {"en": "Jing"}}
    answer = await client.post("/api/v1/people", json=body, headers=api)
    assert answer.status_code == 409
    assert answer.json()["errors"][0]["field"] == "confirmed_new"
    answer = await client.post("/api/v1/people", json={**body, "confirmed_new": True}, headers=api)
    assert answer.status_code == 201
    # The position select knows whose each position is (the page script shows only theirs).
    session_id = await db.scalar(
        select(Session.id).join(Event).where(Event.slug == demo_slug).limit(1)
    )
    page = await client.get(f"/manage/sessions/{session_id}")
    holders = re.search(r"data-position-holders>([^<]*)<", page.text)
    assert holders and len(holders.group(1)) > 10


async def test_desk_short_codes_times_and_actions(
    client: AsyncTestClient, db: AsyncSession, demo_slug: str
) -> None:
    api = await staff_client(client, db, Role.REGISTRAR)
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    participants = (
        await db.scalars(select(Participant).where(Participant.event_id == event.id))
    ).all()
    codes = [p.short_code for p in participants]
    assert len(participants) > 150 and len(set(codes)) == len(codes)
    assert all(len(c) == 8 and set(c) <= set(SHORT_CODE_ALPHABET) for c in codes)
    waiting = [p for p in participants if p.status is ParticipantStatus.REGISTERED]
    first, second = waiting[0], waiting[1]

    desk = await client.get(f"/desk/{demo_slug}", headers=HTML)
    zone = zoneinfo.ZoneInfo(event.timezone)
    sessions = (await db.scalars(select(Session).where(Session.event_id == event.id))).all()
    for session in sessions:  # every session in the select, at its local time
        local = session.planned_start.astimezone(zone)
        assert (
            re.search(rf">[^<]*{local:%H:%M}</option>", desk.text)
            or local.strftime("%-I:%M") in desk.text
        )
    assert "Vienna (GMT+01:00)" in desk.text

    typed = first.short_code.lower()  # lower case, without the dash
    checked = await post_form(client, f"/desk/{demo_slug}", {"q": typed, "session": ""})
    assert checked.status_code == 200
    assert (
        "Checked in to the event." in checked.text
        and grouped_short_code(first.short_code) in checked.text
    )
    again = await post_form(
        client, f"/desk/{demo_slug}", {"q": grouped_short_code(first.short_code).lower()}
    )
    await db.refresh(first)
    assert first.status is ParticipantStatus.CHECKED_IN and first.checked_in_at
    local = first.checked_in_at.astimezone(zone)
    assert f"Already checked in at {local:%-I:%M}" in again.text or (
        f"Already checked in at {local:%H:%M}" in again.text
    )
    # Searching the name offers no "Check in" to somebody already in.
    family = await db.scalar(select(Person.family_name).where(Person.id == first.person_id))
    assert family
    found = await post_form(client, f"/desk/{demo_slug}", {"q": family["en"]})
    row = found.text.split(f'value="{first.id}"')[0].rsplit("<tr>", 1)[-1]
    assert "Checked in at" in found.text
    assert f'name="participant_id" value="{first.id}"' not in found.text, row

    # The desk API takes the short code; the public ticket address does not.
    answer = await client.post(
        f"/api/v1/events/{demo_slug}/check-ins",
        json={"code": grouped_short_code(second.short_code).lower()},
        headers=api,
    )
    assert answer.status_code == 200 and answer.json()["participant_id"] == second.id
    for guess in (second.short_code, grouped_short_code(second.short_code)):
        assert (await client.get(f"/events/{demo_slug}/tickets/{guess}")).status_code == 404
    assert (
        await client.post(
            f"/api/v1/events/{demo_slug}/check-ins", json={"code": "OOOO-1111"}, headers=api
        )
    ).status_code == 404


async def test_links_by_role_and_error_pages_in_the_interface_language(
    client: AsyncTestClient, db: AsyncSession, demo_slug: str
) -> None:
    await staff_client(client, db, Role.ORGANIZER)
    registration = await client.get(f"/manage/events/{demo_slug}/registration", headers=RU)
    assert registration.status_code == 200
    assert f'href="/desk/{demo_slug}"' not in registration.text
    refused = await client.get(f"/desk/{demo_slug}", headers=RU)
    assert refused.status_code == 403
    text = html.unescape(refused.text)
    assert "Forbidden" not in text and "this needs one of the roles" not in text
    assert "Доступ запрещён" in text and "Ваша роль не позволяет" in text
    missing = html.unescape((await client.get("/manage/events/no-such-event", headers=RU)).text)
    assert "Не найдено" in missing and "no event" not in missing
    # Every staff link a role sees on its main pages leads somewhere it may go.
    for role in (Role.ORGANIZER, Role.REGISTRAR, Role.EDITOR):
        client.cookies.clear()
        await staff_client(client, db, role)
        seen: set[str] = set()
        kinds: set[str] = set()
        for start in (
            "/manage",
            f"/manage/events/{demo_slug}",
            f"/manage/events/{demo_slug}/registration",
        ):
            page = await client.get(start, headers=HTML)
            if page.status_code == 403:
                continue
            for link in re.findall(r'href="(/(?:manage|desk)/[^"#?]*)"', page.text):
                kind = re.sub(r"/[0-9]+", "/N", link)  # one address of each kind
                if kind in kinds or link.endswith(("/delete", ".csv", ".xlsx", ".pdf")):
                    continue
                kinds.add(kind)
                seen.add(link)
                answer = await client.get(link, headers=HTML)
                assert answer.status_code != 403, (role, start, link)
        assert seen, role
        assert (f"/desk/{demo_slug}" in seen) == (role is Role.REGISTRAR), role


async def test_dates_in_one_style_in_the_interface_language(
    client: AsyncTestClient, db: AsyncSession, demo_slug: str
) -> None:
    await staff_client(client, db, Role.ORGANIZER)
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    page = html.unescape((await client.get(f"/manage/events/{demo_slug}", headers=RU)).text)
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    month = months.split()[event.start_date.month - 1]
    assert f"{event.start_date.day} {month} {event.start_date.year}" in page
    assert event.start_date.isoformat() not in page
    assert not re.search(r"\d{1,2}:\d\d [AP]M", page)  # Russian writes 24-hour times
    english = html.unescape((await client.get(f"/manage/events/{demo_slug}", headers=HTML)).text)
    assert re.search(r"\b[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}\b", english)
    people = (await db.scalars(select(Person).limit(1))).all()
    assert people
