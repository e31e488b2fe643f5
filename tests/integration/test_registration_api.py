"""Check-in, counts, import and attendance lists over HTTP, with tokens of each role."""

from __future__ import annotations

import csv
import io
import tracemalloc

import pytest
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.people.models import Person
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant
from congress.settings import Settings
from tests.registration_data import World, make_participant


async def test_check_in_by_token_over_http(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    participant = await make_participant(db, world.event, "Ivanov", "Pyotr")
    await db.commit()
    url = f"/api/v1/events/{world.event.slug}/check-ins"
    body = {"token": participant.qr_token, "session_id": world.session.id}
    first = await client.post(url, json=body, headers=world.registrar_headers)
    assert first.status_code == 200, first.text
    assert first.json()["first_time"] is True
    assert first.json()["name"] == "Pyotr Ivanov"
    again = await client.post(url, json=body, headers=world.registrar_headers)
    assert again.json()["first_time"] is False
    assert "already checked in" in again.json()["message"]

    counts = await client.get(
        f"/api/v1/events/{world.event.slug}/check-ins/counts",
        params={"session_id": world.session.id},
        headers=world.registrar_headers,
    )
    assert counts.json()["present"] == 1
    assert counts.json()["by_category"] == [{"name": "Guest", "expected": 1, "present": 1}]


async def test_check_in_refusals(
    client: AsyncTestClient, db: AsyncSession, world: World, tokens: dict[Role, dict[str, str]]
) -> None:
    participant = await make_participant(db, world.event, "Ivanov")
    await db.commit()
    url = f"/api/v1/events/{world.event.slug}/check-ins"
    unknown = await client.post(url, json={"token": "x" * 24}, headers=world.registrar_headers)
    assert unknown.status_code == 404 and "unknown ticket" in unknown.json()["detail"]
    forged = await client.post(url, json={"token": "<script>"}, headers=world.registrar_headers)
    assert forged.status_code == 404
    neither = await client.post(url, json={}, headers=world.registrar_headers)
    assert neither.status_code == 422
    wrong_session = await client.post(
        url,
        json={"participant_id": participant.id, "session_id": 999999},
        headers=world.registrar_headers,
    )
    assert wrong_session.status_code == 404
    anonymous = await client.post(url, json={"token": participant.qr_token})
    assert anonymous.status_code == 401
    editor = await client.post(
        url, json={"token": participant.qr_token}, headers=tokens[Role.EDITOR]
    )
    assert editor.status_code == 403
    assert await db.scalar(select(func.count()).select_from(Attendance)) == 0


async def test_import_over_http_reports_lines(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    url = f"/api/v1/events/{world.event.slug}/participants/import"
    bad = b"Pyotr,Ivanov,Org,,,pyotr@example.org\nAnna,Schmidt\n"
    answer = await client.post(
        url, files={"file": ("list.csv", bad, "text/csv")}, headers=world.registrar_headers
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "line 2"
    assert await db.scalar(select(func.count()).select_from(Participant)) == 0
    good = b"Pyotr,Ivanov,Org,,,pyotr@example.org\n"
    answer = await client.post(
        url, files={"file": ("list.csv", good, "text/csv")}, headers=world.registrar_headers
    )
    assert answer.status_code == 201, answer.text
    assert answer.json() == {
        "layout": "indico",
        "rows": 1,
        "imported": 1,
        "created_organizations": 1,
    }


async def _list_world(db: AsyncSession, world: World) -> None:
    other = Delegation(event_id=world.event.id, name={"en": "Armenian delegation"})
    db.add(other)
    await db.flush()
    await make_participant(db, world.event, "Zhukov", "Kim", delegation=world.delegation)
    await make_participant(db, world.event, "Abaev", "Dana", delegation=world.delegation)
    await make_participant(db, world.event, "Petrosyan", "Ani", delegation=other, consent=False)
    await make_participant(
        db,
        world.event,
        "Brown",
        "Bo",
        category=ParticipantCategory.OBSERVER,
        status=ParticipantStatus.CHECKED_IN,
    )
    await make_participant(db, world.event, "Gone", status=ParticipantStatus.CANCELLED)
    await db.commit()


async def test_attendance_csv_grouped_and_consent(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    await _list_world(db, world)
    url = f"/manage/events/{world.event.slug}/attendance.csv"
    answer = await client.get(url, headers=world.registrar_headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("Petrosyan, Ani", "Armenian delegation"),
        ("Abaev, Dana", "Delegation of Kazakhstan"),
        ("Zhukov, Kim", "Delegation of Kazakhstan"),
        ("Brown, Bo", ""),
    ]
    public = await client.get(
        url, params={"consenting": "true", "group": "category"}, headers=world.registrar_headers
    )
    names = [row[0] for row in csv.reader(io.StringIO(public.content.decode("utf-8-sig")))][1:]
    assert names == ["Abaev, Dana", "Zhukov, Kim", "Brown, Bo"]
    assert (await client.get(url)).status_code == 401


async def test_session_attendance_xlsx(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    await _list_world(db, world)
    abaev = await db.scalar(
        select(Participant.id).join(Person).where(Person.family_name["en"].as_string() == "Abaev")
    )
    db.add(
        Attendance(participant_id=abaev, session_id=world.session.id, state=AttendanceState.EXCUSED)
    )
    await db.commit()
    answer = await client.get(
        f"/manage/events/{world.event.slug}/attendance.xlsx",
        params={"session": world.session.id, "group": "none"},
        headers=world.registrar_headers,
    )
    assert answer.status_code == 200, answer.text
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][:6] == ("Name", "Organization", "Delegation", "Category", "Badge", "Presence")
    assert [(row[0], row[5]) for row in values[1:]] == [
        ("Abaev, Dana", "Excused"),
        ("Brown, Bo", None),
        ("Petrosyan, Ani", None),
        ("Zhukov, Kim", None),
    ]


async def _many(db: AsyncSession, world: World, count: int) -> None:
    people = [
        {"family_name": {"en": f"Person {i:06d}"}, "given_name": {"en": "Test"}}
        for i in range(count)
    ]
    ids = (
        (
            await db.execute(
                insert(Person).returning(Person.id, sort_by_parameter_order=True), people
            )
        )
        .scalars()
        .all()
    )
    await db.execute(
        insert(Participant),
        [
            {"event_id": world.event.id, "person_id": pid, "qr_token": f"token-{pid:020d}"}
            for pid in ids
        ],
    )
    await db.commit()


async def test_csv_memory_does_not_grow_with_rows(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    url = f"/manage/events/{world.event.slug}/attendance.csv"

    async def peak() -> tuple[int, int]:
        tracemalloc.start()
        lines = 0
        async with client.stream("GET", url, headers=world.registrar_headers) as response:
            async for chunk in response.aiter_bytes():
                lines += chunk.count(b"\n")
        peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return lines, peak_bytes

    await _many(db, world, 2_000)
    small_lines, small_peak = await peak()
    await _many(db, world, 18_000)
    big_lines, big_peak = await peak()
    assert (small_lines, big_lines) == (2_001, 20_001)
    # Ten times the rows, not ten times the memory: the rows go by in fixed-size chunks.
    assert big_peak < 2 * small_peak, (small_peak, big_peak)


async def test_attendance_pdf_sign_in_sheet(
    client: AsyncTestClient, db: AsyncSession, world: World
) -> None:
    from pypdf import PdfReader

    await make_participant(db, world.event, "Abaev", "Dana", delegation=world.delegation)
    await make_participant(db, world.event, "Брежнева", "Анна", consent=False)
    await db.commit()
    url = f"/manage/events/{world.event.slug}/attendance.pdf"
    sheet = await client.get(
        url, params={"session": world.session.id}, headers=world.registrar_headers
    )
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    content = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.content)).pages)
    assert "Abaev, Dana" in content and "Брежнева, Анна" in content
    assert "SIGNATURE" in content and "Second International Congress" in content
    assert "Opening ceremony" in content and "Page 1 of 1" in content
    public = await client.get(url, params={"consenting": "true"}, headers=world.registrar_headers)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(public.content)).pages)
    assert "Брежнева" not in text and "Abaev, Dana" in text


async def test_badges_pdf(db: AsyncSession, world: World, settings: object) -> None:
    from pypdf import PdfReader

    from congress.domain.registration.printing import BadgeLayout, badges_pdf

    await make_participant(db, world.event, "Abaev", "Dana", delegation=world.delegation)
    await make_participant(db, world.event, "Other", "Olga")
    await make_participant(db, world.event, "Gone", status=ParticipantStatus.CANCELLED)
    await db.commit()
    cards = await badges_pdf(db, world.event, layout=BadgeLayout.CARD, settings=settings)  # type: ignore[arg-type]
    reader = PdfReader(io.BytesIO(cards.pdf))
    assert len(reader.pages) == 2  # the cancelled registration gets no badge
    first = reader.pages[0].extract_text()
    assert "Dana Abaev" in first and "Delegation of Kazakhstan" in first and "GUEST" in first
    sheet = await badges_pdf(
        db,
        world.event,
        delegation_id=world.delegation.id,
        settings=settings,  # type: ignore[arg-type]
    )
    text = PdfReader(io.BytesIO(sheet.pdf)).pages[0].extract_text()
    assert "Dana Abaev" in text and "Olga" not in text


async def test_long_attendance_list_is_laid_out_in_parts(
    db: AsyncSession,
    engine: AsyncEngine,
    world: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above PARALLEL_FROM_ROWS the list is laid out in parts on all workers and joined:
    every row is there once, in order, and every page says "Page N of M" of the whole."""
    from pypdf import PdfReader

    from congress.domain.checkin import printing
    from congress.domain.checkin.exporters import ListSpec

    monkeypatch.setattr(printing, "PARALLEL_FROM_ROWS", 10)
    monkeypatch.setattr(printing, "ROWS_PER_TABLE", 15)
    other = Delegation(event_id=world.event.id, name={"en": "Delegation of Armenia"}, quota=100)
    db.add(other)
    await db.flush()
    for i in range(120):
        await make_participant(
            db, world.event, f"Member{i:03}", delegation=other if i % 3 else world.delegation
        )
    await db.commit()
    result = await printing.attendance_pdf(engine, ListSpec(world.event), settings=settings)
    reader = PdfReader(io.BytesIO(result.pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == result.pages > 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, (number, text[-200:])
        # Only its own footer: each stamp carries one line of its sheet.
        assert text.count(f" of {len(pages)}") == 1, (number, text[-200:])
        assert "Second International Congress" in text  # the running header of every part
    content = "\n".join(pages)
    names = [f"Member{i:03}" for i in range(120)]
    assert all(content.count(name) == 1 for name in names)
    assert content.count("Attendance list") >= 1 and "continued" in content
    assert reader.metadata is not None and reader.metadata.title.startswith("Attendance list")
    # The joined file stays small: merged pages are compressed again.
    assert len(result.pdf) < 400_000, len(result.pdf)


def test_groups_are_split_into_parts_at_table_boundaries() -> None:
    from congress.domain.checkin.printing import Group, split_groups

    def group(name: str, sizes: list[int]) -> Group:
        chunks = [[(i, None) for i in range(size)] for size in sizes]
        return Group(name, sum(sizes), chunks)  # type: ignore[arg-type]

    def rows(runs: list[list[Group]]) -> list[int]:
        return [sum(len(chunk) for g in run for chunk in g.chunks) for run in runs]

    # Forty delegations of 125: four parts of ten whole delegations each.
    even = split_groups([group(str(i), [40, 40, 40, 5]) for i in range(40)], 4)
    assert rows(even) == [1250] * 4
    assert all(not g.continued for run in even for g in run)
    # 210 rows in shares of 52.5: a part starts with the group whose middle passes a share's
    # mark; A ends soon after the first mark, so it is kept whole; B goes on well past the
    # second mark, so it is cut between its tables.
    runs = split_groups([group("A", [40, 40, 20]), group("B", [40, 40]), group("C", [30])], 4)
    assert [[(g.name, g.continued) for g in run] for run in runs] == [
        [("A", False)],
        [("B", False)],
        [("B", True)],
        [("C", False)],
    ]
    assert rows(runs) == [100, 40, 40, 30]
    # One long group is cut between its tables, at the marks.
    assert rows(split_groups([group("A", [40] * 10)], 4)) == [120, 80, 120, 80]
    assert split_groups([], 4) == []
