"""Spreadsheet (CSV/formula) injection: what a visitor types as their name must reach the
attendance spreadsheets as text, never as a live formula."""

# ruff: noqa: F811 (the registration tests' `world` fixture, imported and used by name)

from __future__ import annotations

import csv
import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.checkin.exporters import spreadsheet_cell
from tests.conftest import post_form
from tests.registration_data import World, make_participant, world  # noqa: F401

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    ("=1+2", '=HYPERLINK("http://evil.example/","x")'),
    ("+SUM(A1:A9)", "+cmd|' /C calc'!A0"),
    ("-2+3", "-Peace"),
    ("@SUM(1,1)", "@Society"),
]


def test_escaping_keeps_numbers_and_plain_text() -> None:
    assert spreadsheet_cell("=1+2") == "'=1+2"
    assert spreadsheet_cell("\tx") == "'\tx"
    assert spreadsheet_cell("\rx") == "'\rx"
    assert spreadsheet_cell("Nurlanova, Aigerim") == "Nurlanova, Aigerim"
    assert spreadsheet_cell(-5) == -5
    assert spreadsheet_cell(-2.5) == -2.5
    assert spreadsheet_cell("") == ""


def unescaped(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


async def test_self_registered_formulas_reach_every_spreadsheet_as_text(
    client: AsyncTestClient,
    db: AsyncSession,
    world: World,
) -> None:
    # Anonymous visitors register through the public form with hostile names.
    for number, (family, organization) in enumerate(HOSTILE):
        answer = await post_form(
            client,
            f"/events/{world.event.slug}/register",
            {
                "given_name": family,
                "family_name": family,
                "email": f"visitor{number}@example.org",
                "organization": organization,
                "category": "guest",
                "consent_publication": "true",
            },
        )
        assert answer.status_code == 303, answer.text
    # The form strips spaces; other ways in (imports, the database) may keep a leading tab or CR.
    await make_participant(db, world.event, "\tTabbed", "\rReturn")
    await db.commit()
    client.cookies.clear()

    base = f"/manage/events/{world.event.slug}/attendance"
    variants = [
        {"group": group, **session}
        for group in ("delegation", "category", "none")
        for session in ({}, {"session": world.session.id})
    ]
    for params in variants:
        answer = await client.get(f"{base}.csv", params=params, headers=world.registrar_headers)
        assert answer.status_code == 200, answer.text
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
        cells = [cell for row in rows[1:] for cell in row]
        assert len(rows) == 1 + len(HOSTILE) + 1
        assert not [cell for cell in cells if unescaped(cell)], params
        assert "'=1+2, =1+2" in cells and "'+cmd|' /C calc'!A0" in cells
        assert "'\tTabbed, \rReturn" in cells

        answer = await client.get(f"{base}.xlsx", params=params, headers=world.registrar_headers)
        assert answer.status_code == 200, answer.text
        sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
        data = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        assert len({cell.row for cell in data}) == len(HOSTILE) + 1
        assert not [cell.value for cell in data if cell.data_type == "f"], params
        assert not [cell.value for cell in data if unescaped(cell.value)], params
        values = [cell.value for cell in data]
        assert "'=1+2, =1+2" in values and "'@Society" in values
        texts = [cell for cell in data if cell.value is not None]
        assert all(cell.data_type == "s" for cell in texts)
