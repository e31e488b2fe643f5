"""Importing participant lists: Indico's CSV, our headered CSV/XLSX, and every kind of bad row."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.models import AuditEntry
from congress.domain.people.models import Organization, Person, Position
from congress.domain.registration.enums import ParticipantCategory
from congress.domain.registration.importers import ImportRejected, import_participants
from congress.domain.registration.models import Participant
from tests.registration_data import World, make_participant

INDICO = (
    "Pyotr,Ivanov,Peace Foundation,Chairman,+7 495 000 00 00,pyotr@example.org\n"
    'Anna,"Schmidt, Jr.",Friendship Society,"Secretary, Berlin",,anna@example.org\n'
    "Li,Wei,Peace Foundation,,,li.wei@example.org\n"
)


async def count(db: AsyncSession, model: type) -> int:
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def rejected(db: AsyncSession, world: World, content: bytes, name: str = "list.csv") -> list:
    before = (await count(db, Participant), await count(db, Person))
    with pytest.raises(ImportRejected) as caught:
        await import_participants(db, world.registrar, world.event, name, content)
    await db.rollback()
    after = (await count(db, Participant), await count(db, Person))
    assert after == before, "a rejected file must import nothing"
    return [(error.line, error.message) for error in caught.value.report.errors]


async def test_indico_csv_imports_as_is(db: AsyncSession, world: World) -> None:
    report = await import_participants(
        db, world.registrar, world.event, "indico.csv", INDICO.encode()
    )
    await db.commit()
    assert (report.layout, report.rows, report.imported) == ("indico", 3, 3)
    assert report.created_organizations == 2
    people = {p.email: p for p in (await db.scalars(select(Person))).all()}
    assert people["anna@example.org"].family_name == {"en": "Schmidt, Jr."}
    assert people["pyotr@example.org"].phone == "+7 495 000 00 00"
    titles = {p.title["en"] for p in (await db.scalars(select(Position))).all()}
    assert titles == {"Chairman", "Secretary, Berlin"}
    assert await count(db, Organization) == 2
    tokens = set((await db.scalars(select(Participant.qr_token))).all())
    assert len(tokens) == 3
    assert await count(db, AuditEntry) == 3


async def test_headered_xlsx_with_category_and_delegation(db: AsyncSession, world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Family name", "Given name", "E-mail", "Category", "Delegation", "Consent"])
    sheet.append(
        ["Nurlanov", "Erlan", "erlan@example.kz", "delegate", "delegation of kazakhstan", "yes"]
    )
    sheet.append(["Wang", "Fang", None, "Press", None, "no"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = await import_participants(
        db, world.registrar, world.event, "list.xlsx", buffer.getvalue()
    )
    await db.commit()
    assert (report.layout, report.imported) == ("headered", 2)
    rows = (
        (
            await db.execute(
                select(
                    Participant.category, Participant.delegation_id, Participant.consent_publication
                ).order_by(Participant.id)
            )
        )
        .tuples()
        .all()
    )
    assert rows == [
        (ParticipantCategory.DELEGATE, world.delegation.id, True),
        (ParticipantCategory.OBSERVER, None, False),
    ]


async def test_existing_person_is_reused(db: AsyncSession, world: World) -> None:
    person = Person(family_name={"en": "Ivanov"}, email="pyotr@example.org")
    db.add(person)
    await db.commit()
    await import_participants(db, world.registrar, world.event, "indico.csv", INDICO.encode())
    await db.commit()
    assert await count(db, Person) == 3
    assert (
        await db.scalar(select(Participant.id).where(Participant.person_id == person.id))
        is not None
    )


async def test_bad_rows_are_reported_with_line_numbers(db: AsyncSession, world: World) -> None:
    content = (
        b"Pyotr,Ivanov,Peace Foundation,Chairman,,pyotr@example.org\n"
        b"Anna,Schmidt,Society,,anna@example.org\n"  # five columns
        b"\n"
        b"Li,,Peace Foundation,,,li@example.org\n"  # no last name
        b"Bob,Smith,,,,not-an-address\n"
        b"Pyotr,Ivanov,Peace Foundation,,,PYOTR@example.org\n"  # same e-mail as line 1
    )
    errors = await rejected(db, world, content)
    assert [line for line, _ in errors] == [2, 4, 5, 6]
    assert "expected 6 columns" in errors[0][1] and "found 5" in errors[0][1]
    assert "last name is missing" in errors[1][1]
    assert "not-an-address" in errors[2][1]
    assert errors[3][1] == "same e-mail as line 1"


async def test_malformed_csv(db: AsyncSession, world: World) -> None:
    content = b'Pyotr,Ivanov,Peace,,,"pyotr@example.org\nAnna,"Schmidt",x,,,a@example.org\n'
    errors = await rejected(db, world, content)
    assert len(errors) == 1 and "malformed CSV" in errors[0][1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00garbage\xff", "not UTF-8"),
        (b"family_name,email,shoe size\nX,x@example.org,44\n", "unknown column 'shoe size'"),
        (b"family_name,email\n", "no participant rows"),
        (b"family_name,email\nX,x@example.org,extra\n", "3 cells but the header names 2"),
        (b"family_name,category\nX,minister\n", "unknown category 'minister'"),
        (b"family_name,consent\nX,perhaps\n", "consent must be yes or no"),
    ],
)
async def test_file_level_problems(
    db: AsyncSession, world: World, content: bytes, message: str
) -> None:
    errors = await rejected(db, world, content)
    assert message in errors[0][1]


async def test_not_a_workbook(db: AsyncSession, world: World) -> None:
    errors = await rejected(db, world, b"PK\x03\x04 not really a zip", "list.xlsx")
    assert "not a readable XLSX" in errors[0][1]


async def test_unknown_delegation_and_quota(db: AsyncSession, world: World) -> None:
    await make_participant(db, world.event, "Already", delegation=world.delegation)
    await db.commit()
    content = (
        b"family_name,email,delegation\n"
        b"A,a@example.org,Delegation of Kazakhstan\n"
        b"B,b@example.org,Delegation of Atlantis\n"
        b"C,c@example.org,Delegation of Kazakhstan\n"
        b"D,d@example.org,Delegation of Kazakhstan\n"
    )
    errors = await rejected(db, world, content)
    assert errors == [
        (3, "no delegation named 'Delegation of Atlantis' at this event"),
        (
            5,
            "the delegation 'Delegation of Kazakhstan' would exceed its quota of 3 "
            "(1 already registered)",
        ),
    ]


async def test_already_registered_email(db: AsyncSession, world: World) -> None:
    await make_participant(db, world.event, "Ivanov", email="pyotr@example.org")
    await db.commit()
    errors = await rejected(db, world, INDICO.encode())
    assert errors == [(1, "pyotr@example.org is already registered for this event")]


async def test_registrar_role_is_needed(db: AsyncSession, world: World) -> None:
    from congress.errors import NotAuthenticated

    with pytest.raises(NotAuthenticated):
        await import_participants(db, None, world.event, "x.csv", INDICO.encode())


async def test_ten_thousand_rows(db: AsyncSession, world: World) -> None:
    lines = [
        f"Given{i},Family{i},Organization {i % 50},Member,,person{i}@example.org"
        for i in range(10_000)
    ]
    report = await import_participants(
        db, world.registrar, world.event, "big.csv", "\n".join(lines).encode()
    )
    await db.commit()
    assert report.imported == 10_000
    assert await count(db, Participant) == 10_000
    assert await count(db, Organization) == 50
