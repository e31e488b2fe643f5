"""Attendance lists: who is registered for the event or one session, and who came.

One query describes a list (grouped by delegation or category, sorted by name, with or without
those who did not consent to publication); the HTML page reads a page of it, CSV and XLSX stream
all of it in chunks from a server-side cursor, so memory does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import IO, Any

import anyio.to_thread
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from congress.domain.checkin.enums import STATE_LABELS
from congress.domain.checkin.models import Attendance
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.people.services import list_name
from congress.domain.programme.models import Session
from congress.domain.registration.enums import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    ParticipantCategory,
    ParticipantStatus,
)
from congress.domain.registration.models import Delegation, Participant
from congress.messages import gettext_in
from congress.translation import text

CHUNK = 1000


class Grouping(enum.StrEnum):
    DELEGATION = "delegation"
    CATEGORY = "category"
    NONE = "none"


@dataclass(frozen=True)
class ListSpec:
    """Which list: the event's or one session's, how grouped, whom it shows."""

    event: Event
    session: Session | None = None
    group_by: Grouping = Grouping.DELEGATION
    consenting_only: bool = False
    lang: str = ""

    @property
    def language(self) -> str:
        return self.lang or self.event.primary_language

    @property
    def title(self) -> str:
        name = text(self.event.name, self.language, self.event.languages)
        if self.session is None:
            return name
        return f"{name}: {text(self.session.title, self.language, self.event.languages)}"

    def slug(self) -> str:
        suffix = f"-session-{self.session.id}" if self.session else ""
        return f"{self.event.slug}-attendance{suffix}"


@dataclass(frozen=True, slots=True)
class Row:
    group: str
    name: str
    organization: str
    delegation: str
    category: str
    badge: str
    # "Checked in" … for the event's list; "Present", "Excused", "Absent" or "" for a session's.
    presence: str
    at: dt.datetime | None
    consent: bool


HEADER = ("Name", "Organization", "Delegation", "Category", "Badge", "Presence", "Time (UTC)")


def _in_languages(column: Any, languages: list[str]) -> Any:
    texts = [column[language].as_string() for language in languages]
    return func.lower(func.coalesce(*texts, "")) if len(texts) > 1 else func.lower(texts[0])


def list_statement(spec: ListSpec) -> Select[Any]:
    """The rows of the list, in print order (group, family name, given name)."""
    languages = spec.event.languages or ["en"]
    columns: list[Any] = [
        Person.given_name,
        Person.family_name,
        Organization.name,
        Delegation.name,
        Participant.category,
        Participant.badge_number,
        Participant.status,
        Participant.checked_in_at,
        Participant.consent_publication,
    ]
    if spec.session is not None:
        columns += [Attendance.state, Attendance.recorded_at]
    statement = (
        select(*columns)
        .select_from(Participant)
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(Organization, Organization.id == Participant.organization_id)
        .outerjoin(Delegation, Delegation.id == Participant.delegation_id)
        .where(Participant.event_id == spec.event.id)
        .where(Participant.status != ParticipantStatus.CANCELLED)
    )
    if spec.session is not None:
        statement = statement.outerjoin(
            Attendance,
            (Attendance.participant_id == Participant.id)
            & (Attendance.session_id == spec.session.id),
        )
    if spec.consenting_only:
        statement = statement.where(Participant.consent_publication.is_(True))
    order: list[Any] = []
    if spec.group_by is Grouping.DELEGATION:
        order += [Delegation.id.is_(None), _in_languages(Delegation.name, languages), Delegation.id]
    elif spec.group_by is Grouping.CATEGORY:
        order.append(
            case(
                {category.value: index for index, category in enumerate(ParticipantCategory)},
                value=Participant.category,
            )
        )
    order += [
        _in_languages(Person.family_name, languages),
        _in_languages(Person.given_name, languages),
        Participant.id,
    ]
    return statement.order_by(*order)


def to_row(spec: ListSpec, values: Any) -> Row:
    lang, languages = spec.language, spec.event.languages
    given, family, organization, delegation, category, badge, status, checked_in_at, consent = (
        values[:9]
    )
    delegation_name = text(delegation, lang, languages) if delegation else ""
    category_label = gettext_in(lang, CATEGORY_LABELS[category])
    if spec.session is not None:
        state, at = values[9], values[10]
        presence = gettext_in(lang, STATE_LABELS[state]) if state else ""
    else:
        presence, at = gettext_in(lang, STATUS_LABELS[status]), checked_in_at
    if spec.group_by is Grouping.DELEGATION:
        group = delegation_name or gettext_in(lang, "Not in a delegation")
    elif spec.group_by is Grouping.CATEGORY:
        group = category_label
    else:
        group = ""
    return Row(
        group=group,
        name=list_name(given, family, lang, languages),
        organization=text(organization, lang, languages) if organization else "",
        delegation=delegation_name,
        category=category_label,
        badge=badge or "",
        presence=presence,
        at=at,
        consent=consent,
    )


async def page_of_rows(
    db: AsyncSession, spec: ListSpec, limit: int, offset: int
) -> tuple[list[Row], int]:
    """One page of the list for the HTML view, and the length of the whole list."""
    statement = list_statement(spec)
    total = await db.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    result = await db.execute(statement.limit(limit).offset(offset))
    return [to_row(spec, values) for values in result], int(total or 0)


async def stream_rows(engine: AsyncEngine, spec: ListSpec) -> AsyncIterator[list[Row]]:
    """The whole list in chunks, read through a server-side cursor on its own connection.

    Its own connection: a streamed response outlives the request's database session.
    """
    async with AsyncSession(engine) as db:
        result = await db.stream(list_statement(spec).execution_options(yield_per=CHUNK))
        async for chunk in result.partitions(CHUNK):
            yield [to_row(spec, values) for values in chunk]


# A text starting with one of these is read by spreadsheet programs as a formula (OWASP CSV
# injection): anybody who self-registers chooses their own name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it: a text that would start a formula gets a leading
    apostrophe (the spreadsheet's own "this is text" mark); numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(row: Row) -> tuple[Any, ...]:
    at = row.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if row.at else ""
    values = (row.name, row.organization, row.delegation, row.category, row.badge, row.presence, at)
    return tuple(spreadsheet_cell(value) for value in values)


def _csv_chunk(rows: Iterable[Row], header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        buffer.write("\ufeff")  # spreadsheet programs read UTF-8 only with a byte-order mark
        writer.writerow(HEADER)
    writer.writerows(_cells(row) for row in rows)
    return buffer.getvalue().encode()


async def csv_stream(engine: AsyncEngine, spec: ListSpec) -> AsyncIterator[bytes]:
    header = True
    async for rows in stream_rows(engine, spec):
        yield await anyio.to_thread.run_sync(_csv_chunk, rows, header)
        header = False
    if header:
        yield _csv_chunk([], True)


async def xlsx_file(engine: AsyncEngine, spec: ListSpec) -> IO[bytes]:
    """The list as an XLSX workbook in a temporary file (openpyxl's write-only mode).

    Rows go to disk as they come; the workbook is zipped once at the end, in a worker thread.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Attendance")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        return cell

    sheet.append([header_cell(name) for name in HEADER])

    def append(rows: list[Row]) -> None:
        for row in rows:
            # Escaped cells: openpyxl would otherwise store a text starting with "=" as a formula.
            sheet.append(_cells(row))

    async for rows in stream_rows(engine, spec):
        await anyio.to_thread.run_sync(append, rows)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (the caller streams and closes it)
    await anyio.to_thread.run_sync(workbook.save, output)
    output.seek(0)
    return output


async def file_chunks(file: IO[bytes], size: int = 64 * 1024) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(file.read, size):
            yield chunk
    finally:
        file.close()
