"""Every select whose first option means "all" sends an empty value (``session=``,
``delegation=``): over real HTTP on the whole demo event, every option of every such select is
answered, and the "all" choice lists everybody."""

from __future__ import annotations

import csv
import html
import io
import re

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from congress.translation import text
from tests.conftest import PASSWORD, LiveServer, make_staff

SELECT = re.compile(r'<select[^>]*name="(?P<name>[^"]+)"[^>]*>(?P<options>.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(?P<value>[^"]*)"')
LINK = re.compile(r'href="(?P<href>[^"]*/attendance\.(?:pdf|csv|xlsx)\?[^"]*)"')


def selects(page: str, *names: str) -> dict[str, list[str]]:
    """The option values of the named selects, as the page offers them."""
    found = {m["name"]: OPTION.findall(m["options"]) for m in SELECT.finditer(page)}
    assert set(names) <= set(found), found.keys()
    return {name: found[name] for name in names}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def log_in(client: httpx.AsyncClient, email: str) -> None:
    await client.get("/login")
    answer = await client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "next": "/manage",
            "_csrf_token": client.cookies["congress_csrf"],
        },
    )
    assert answer.status_code in (302, 303), answer.text


async def test_every_choice_of_every_all_select(
    live_server: LiveServer, db: AsyncSession, demo_slug: str
) -> None:
    event = await db.scalar(select(Event).where(Event.slug == demo_slug))
    assert event is not None
    people = (
        await db.execute(
            select(Participant, Person)
            .join(Person, Person.id == Participant.person_id)
            .where(Participant.event_id == event.id)
        )
    ).all()
    assert len(people) >= 150  # the whole demo event
    lang, languages = event.primary_language, event.languages

    def family(person: Person) -> str:
        return html.escape(text(person.family_name, lang, languages), quote=True)

    listed = [
        (participant, person)
        for participant, person in people
        if participant.status != ParticipantStatus.CANCELLED
    ]
    user, _ = await make_staff(db, Role.REGISTRAR)
    base = f"/manage/events/{demo_slug}"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=120) as client:
        await log_in(client, user.email)

        # The participant filter: every option of each select, the others left on "any".
        first = await client.get(f"{base}/registration")
        assert first.status_code == 200
        filters = selects(first.text, "status", "category", "delegation")
        for name, values in filters.items():
            assert values[0] == "", name
            for value in values:
                query = {key: "" for key in filters} | {"q": "", name: value}
                answer = await client.get(f"{base}/registration", params=query)
                assert answer.status_code == 200, (name, value, answer.text[:300])
                expected = [
                    participant
                    for participant, _person in people
                    if value == ""
                    or str(
                        getattr(participant.status, "value", participant.status)
                        if name == "status"
                        else getattr(participant.category, "value", participant.category)
                        if name == "category"
                        else participant.delegation_id
                    )
                    == value
                ]
                total = re.search(r'<span class="count">(\d+)</span>', answer.text)
                assert total and int(total[1]) == len(expected), (name, value)
        # "Any" of everything: every participant's name, page after page.
        shown = ""
        for page in range(1, len(people) // 50 + 2):
            answer = await client.get(
                f"{base}/registration",
                params={"q": "", "status": "", "category": "", "delegation": "", "page": page},
            )
            assert answer.status_code == 200
            shown += answer.text
        assert [p for _participant, p in people if family(p) not in shown] == []

        # The attendance lists: every session and the whole event, the page and its downloads.
        page = await client.get(f"{base}/registration/attendance")
        sessions = selects(page.text, "session")["session"]
        session_count = len(
            (await db.scalars(select(Session.id).where(Session.event_id == event.id))).all()
        )
        assert sessions[0] == "" and len(sessions) == session_count + 1
        for value in sessions:
            answer = await client.get(
                f"{base}/registration/attendance",
                params={"session": value, "group": "delegation", "consenting": "false"},
            )
            assert answer.status_code == 200, (value, answer.text[:300])
            links = [html.unescape(link) for link in LINK.findall(answer.text)]
            assert len(links) == 4
            assert all(f"session={value}&" in link for link in links), links
            for link in links:
                if link.split("?")[0].endswith(".pdf") and (value != "" or "sheet=false" in link):
                    continue  # more PDFs would only repeat the same path slowly
                download = await client.get(link)
                assert download.status_code == 200, (link, download.text[:300])
                if value != "":
                    continue
                # The whole event: every row, every name.
                if link.split("?")[0].endswith(".csv"):
                    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
                    assert len(rows) == len(listed) + 1
                    body = download.text
                elif link.split("?")[0].endswith(".xlsx"):
                    sheet = load_workbook(io.BytesIO(download.content), read_only=True).active
                    assert sheet is not None
                    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
                    body = "\n".join(cells)
                    assert len([row for row in sheet.iter_rows()]) >= len(listed) + 1
                else:
                    body = re.sub(r"\s+", " ", pdf_text(download.content))
                missing = [
                    text(p.family_name, lang, languages)
                    for _participant, p in listed
                    if text(p.family_name, lang, languages) not in body
                ]
                assert missing == [], (link, missing[:10])
        # The HTML list of the whole event: every name over its pages.
        shown = ""
        for number in (1, 2):
            answer = await client.get(
                f"{base}/registration/attendance",
                params={
                    "session": "",
                    "group": "delegation",
                    "consenting": "false",
                    "page": number,
                },
            )
            shown += answer.text
        assert [p for _participant, p in listed if family(p) not in shown] == []

        # The desk: each session, and back to the entrance with the empty choice.
        desk = await client.get(f"/desk/{demo_slug}")
        choices = selects(desk.text, "session")["session"]
        assert choices[0] == "" and len(choices) == session_count + 1
        for value in choices:
            answer = await client.get(f"/desk/{demo_slug}", params={"session": value})
            assert answer.status_code == 200, (value, answer.text[:300])
            selected = re.search(r'<option value="(\d*)"[^>]* selected', answer.text)
            assert (selected[1] if selected else "") == value

        # The API keeps its strict reading of an empty number.
        strict = await client.get(
            f"/api/v1/events/{demo_slug}/check-ins/counts", params={"session_id": ""}
        )
        assert strict.status_code in (400, 401)
