"""Participant lists from CSV and XLSX files, all or nothing.

Two layouts are read:

* Indico's export: six columns without a header — first name, last name, affiliation,
  position, phone, e-mail.
* Our own, with a header row naming the columns (``given_name, family_name, email, phone,
  organization, position, category, delegation, consent``; common aliases are understood).

Every row is checked before anything is written; a file with one bad row imports nothing and the
report names each bad row by its line number. Valid files are written with bulk inserts.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import utc_now
from congress.domain.accounts.enums import AuditAction
from congress.domain.accounts.models import AuditEntry, User
from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person, Position
from congress.domain.registration.enums import (
    ACTIVE_STATUSES,
    ParticipantCategory,
    ParticipantStatus,
)
from congress.domain.registration.models import Delegation, Participant, new_short_code
from congress.domain.registration.services import (
    ParticipantService,
    organizations_by_name,
    person_values,
)
from congress.errors import FieldError, Invalid
from congress.server.i18n import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
INDICO_COLUMNS = ("given_name", "family_name", "organization", "position", "phone", "email")
COLUMNS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "organization",
    "position",
    "category",
    "delegation",
    "consent",
)
ALIASES = {
    "first name": "given_name",
    "first_name": "given_name",
    "given name": "given_name",
    "firstname": "given_name",
    "last name": "family_name",
    "last_name": "family_name",
    "family name": "family_name",
    "surname": "family_name",
    "lastname": "family_name",
    "e-mail": "email",
    "email address": "email",
    "mail": "email",
    "telephone": "phone",
    "affiliation": "organization",
    "organisation": "organization",
    "title": "position",
    "consent_publication": "consent",
}
LIMITS = {"given_name": 200, "family_name": 200, "email": 320, "phone": 64}
LIMITS |= {"organization": 300, "position": 300, "delegation": 300}
CATEGORY_WORDS = {
    "press": ParticipantCategory.OBSERVER,
    "observer/press": ParticipantCategory.OBSERVER,
    "journalist": ParticipantCategory.OBSERVER,
}
YES = {"yes", "y", "true", "1", "x", "да", "ja", "oui"}
NO = {"no", "n", "false", "0", "", "нет", "nein", "non"}
BATCH = 2000
# Plain ASCII addresses, which email_validator accepts unchanged: checked with one regular
# expression; anything else (international domains, quoted parts) goes to email_validator.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportRow:
    line: int
    given_name: str
    family_name: str
    email: str | None
    phone: str | None
    organization: str | None
    position: str | None
    category: ParticipantCategory
    delegation: str | None
    consent: bool


@dataclass
class ImportReport:
    layout: str = ""
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    created_organizations: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Invalid):
    """The file was refused; ``report`` lists every bad row."""

    def __init__(self, report: ImportReport) -> None:
        count = len(report.errors)
        super().__init__(
            f"nothing was imported: {count} row{'s' if count != 1 else ''} "
            f"{'have' if count != 1 else 'has'} problems",
            [FieldError(f"line {error.line}", error.message) for error in report.errors[:1000]],
        )
        self.report = report


# ---- reading -----------------------------------------------------------------------------------


def _cells_csv(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Fatal(
            1,
            _("the file is not UTF-8 text (bad byte at position %(position)s)", position=exc.start),
        ) from exc
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _Fatal(line, _("malformed CSV: %(error)s", error=exc)) from exc
        yield line, cells


def _cells_xlsx(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _Fatal(
            1, _("the file is not a readable XLSX workbook (%(error)s)", error=exc)
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if value is None else _cell_text(value) for value in values]
            while cells and cells[-1] == "":
                cells.pop()  # spreadsheets pad rows to the widest one
            yield number, cells
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Fatal(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.error = RowError(line, message)


def is_xlsx(filename: str, content: bytes) -> bool:
    return filename.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04"


def _normalise_header(cell: str) -> str:
    key = re.sub(r"\s+", " ", cell.strip().lower())
    return ALIASES.get(key, key.replace(" ", "_"))


def _looks_like_header(cells: Sequence[str]) -> bool:
    names = {_normalise_header(cell) for cell in cells}
    return "family_name" in names and not any("@" in cell for cell in cells)


def parse(filename: str, content: bytes) -> tuple[list[ImportRow], ImportReport]:
    """Read and check each row on its own (no database): runs in a worker thread."""
    report = ImportReport()
    rows: list[ImportRow] = []
    if not content.strip():
        report.errors.append(RowError(1, _("the file is empty")))
        return rows, report
    if len(content) > MAX_BYTES:
        report.errors.append(
            RowError(1, _("the file is larger than %(size)s MB", size=MAX_BYTES // 2**20))
        )
        return rows, report
    cells_of = _cells_xlsx if is_xlsx(filename, content) else _cells_csv
    columns: tuple[str, ...] | None = None
    seen_emails: dict[str, int] = {}
    try:
        for line, cells in cells_of(content):
            if not any(cell.strip() for cell in cells):
                continue
            if any("\x00" in cell for cell in cells):
                # PostgreSQL refuses NUL in text: a row with one would fail the whole import.
                report.errors.append(
                    RowError(line, _("contains a NUL character (%(code)s)", code="%00"))
                )
                continue
            if columns is None:
                if _looks_like_header(cells):
                    columns = _header(line, cells, report)
                    report.layout = "headered"
                    if columns is None:
                        return rows, report
                    continue
                columns = INDICO_COLUMNS
                report.layout = "indico"
            report.rows += 1
            if report.rows > MAX_ROWS:
                report.errors.append(
                    RowError(line, _("more than %(n)s rows; split the file", n=MAX_ROWS))
                )
                return rows, report
            row = _row(line, cells, columns, report)
            if row is None:
                continue
            if row.email:
                if row.email in seen_emails:
                    report.errors.append(
                        RowError(
                            line, _("same e-mail as line %(line)s", line=seen_emails[row.email])
                        )
                    )
                    continue
                seen_emails[row.email] = line
            rows.append(row)
    except _Fatal as fatal:
        report.errors.append(fatal.error)
    if report.rows == 0 and not report.errors:
        report.errors.append(RowError(1, _("the file has no participant rows")))
    return rows, report


def _header(line: int, cells: Sequence[str], report: ImportReport) -> tuple[str, ...] | None:
    names = tuple(_normalise_header(cell) for cell in cells)
    unknown = [cell for cell, name in zip(cells, names, strict=True) if name not in COLUMNS]
    if unknown:
        report.errors.append(
            RowError(
                line,
                _(
                    "unknown column %(names)s; the columns are: %(columns)s",
                    names=", ".join(repr(u) for u in unknown),
                    columns=", ".join(COLUMNS),
                ),
            )
        )
        return None
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        report.errors.append(
            RowError(line, _("column %(names)s appears twice", names=", ".join(doubled)))
        )
        return None
    return names


def _row(
    line: int, cells: Sequence[str], columns: tuple[str, ...], report: ImportReport
) -> ImportRow | None:
    if columns is INDICO_COLUMNS and len(cells) != len(INDICO_COLUMNS):
        report.errors.append(
            RowError(
                line,
                _(
                    "expected 6 columns (first name, last name, affiliation, position, phone, "
                    "e-mail), found %(n)s",
                    n=len(cells),
                ),
            )
        )
        return None
    if len(cells) > len(columns):
        report.errors.append(
            RowError(
                line,
                _(
                    "%(cells)s cells but the header names %(columns)s columns",
                    cells=len(cells),
                    columns=len(columns),
                ),
            )
        )
        return None
    values = {
        name: cells[index].strip() if index < len(cells) else ""
        for index, name in enumerate(columns)
    }
    problems: list[str] = []
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            problems.append(f"{name.replace('_', ' ')} is longer than {limit} characters")
    if not values.get("family_name"):
        problems.append(_("the last name is missing"))
    email: str | None = None
    if values.get("email"):
        email = _email(values["email"], problems)
    elif columns is INDICO_COLUMNS:
        problems.append(_("the e-mail address is missing"))
    category = _category(values.get("category", ""), problems)
    consent_text = values.get("consent", "").lower()
    if consent_text not in YES | NO:
        problems.append(
            _("consent must be yes or no, not %(value)s", value=repr(values["consent"]))
        )
    if problems:
        report.errors.append(RowError(line, "; ".join(problems)))
        return None
    return ImportRow(
        line=line,
        given_name=values.get("given_name", ""),
        family_name=values["family_name"],
        email=email,
        phone=values.get("phone") or None,
        organization=values.get("organization") or None,
        position=values.get("position") or None,
        category=category or ParticipantCategory.GUEST,
        delegation=values.get("delegation") or None,
        consent=consent_text in YES,
    )


def _email(value: str, problems: list[str]) -> str | None:
    local = value.partition("@")[0]
    if PLAIN_EMAIL.fullmatch(value) and len(value) <= 254 and len(local) <= 64:
        return value.lower()
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        problems.append(_("e-mail %(value)s is not valid: %(error)s", value=repr(value), error=exc))
        return None


def _category(value: str, problems: list[str]) -> ParticipantCategory | None:
    if not value:
        return None
    key = value.strip().lower()
    if key in CATEGORY_WORDS:
        return CATEGORY_WORDS[key]
    try:
        return ParticipantCategory(key.replace(" ", "_").replace("-", "_"))
    except ValueError:
        known = ", ".join(category.value for category in ParticipantCategory)
        problems.append(
            _("unknown category %(value)s (one of: %(known)s)", value=repr(value), known=known)
        )
        return None


# ---- checking against the database and writing ------------------------------------------------


async def check_participants(
    db: AsyncSession, user: User | None, event: Event, filename: str, content: bytes
) -> ImportReport:
    """Check the whole file against the event without writing (the request that uploads it
    does this, so a bad row is answered at once); raises ImportRejected when any row is bad."""
    ParticipantService(db, user).require_write()
    _, report, _, _ = await _checked(db, event, filename, content, lock=False)
    return report


async def import_participants(
    db: AsyncSession,
    user: User | None,
    event: Event,
    filename: str,
    content: bytes,
    *,
    job: str | None = None,
) -> ImportReport:
    """Check the whole file, then import it in one go; raises ImportRejected when any row is bad.

    ``job`` names the job doing it: it is written with the rows (one transaction), so a job
    run again after its worker stopped finds its work done (:func:`finished_import`)."""
    ParticipantService(db, user).require_write()
    rows, report, delegations, existing_people = await _checked(
        db, event, filename, content, lock=True
    )
    await _write(db, user, event, rows, report, delegations, existing_people)
    if job is not None:
        db.add(
            AuditEntry(
                user_id=user.id if user else None,
                action=AuditAction.CREATE,
                entity=IMPORT_ENTITY,
                entity_id=event.id,
                event_id=event.id,
                after={"job": job, **_report_values(report)},
            )
        )
        await db.flush()
    return report


IMPORT_ENTITY = "participant_import"


def _report_values(report: ImportReport) -> dict[str, Any]:
    return {
        "layout": report.layout,
        "rows": report.rows,
        "imported": report.imported,
        "created_organizations": report.created_organizations,
    }


async def finished_import(db: AsyncSession, event_id: int, job: str) -> ImportReport | None:
    """The report of the import that the job ``job`` wrote, or None if it wrote none."""
    entries = await db.scalars(
        select(AuditEntry.after).where(
            AuditEntry.entity == IMPORT_ENTITY, AuditEntry.entity_id == event_id
        )
    )
    for after in entries:
        if after and after.get("job") == job:
            return ImportReport(
                layout=str(after["layout"]),
                rows=int(after["rows"]),
                imported=int(after["imported"]),
                created_organizations=int(after["created_organizations"]),
            )
    return None


async def _checked(
    db: AsyncSession, event: Event, filename: str, content: bytes, *, lock: bool
) -> tuple[list[ImportRow], ImportReport, dict[str, tuple[Delegation, int]], dict[str, int]]:
    rows, report = await anyio.to_thread.run_sync(parse, filename, content)
    if not report.ok:
        raise ImportRejected(report)
    delegations = await _delegations(db, event, lock=lock)
    existing_people = await _people_by_email(db, [row.email for row in rows if row.email])
    registered = await _registered_people(db, event, list(existing_people.values()))
    _check_against_event(rows, report, delegations, existing_people, registered)
    if not report.ok:
        raise ImportRejected(report)
    return rows, report, delegations, existing_people


async def _delegations(
    db: AsyncSession, event: Event, *, lock: bool
) -> dict[str, tuple[Delegation, int]]:
    """The event's delegations by each of their names (case ignored), with active counts;
    locked (quotas hold) when the rows are about to be written."""
    statement = select(Delegation).where(Delegation.event_id == event.id)
    result = await db.execute(statement.with_for_update() if lock else statement)
    delegations = list(result.scalars())
    counts: dict[int | None, int] = dict(
        (
            await db.execute(
                select(Participant.delegation_id, func.count())
                .where(Participant.event_id == event.id)
                .where(Participant.status.in_(ACTIVE_STATUSES))
                .where(Participant.delegation_id.is_not(None))
                .group_by(Participant.delegation_id)
            )
        )
        .tuples()
        .all()
    )
    by_name: dict[str, tuple[Delegation, int]] = {}
    for delegation in delegations:
        for name in (delegation.name or {}).values():
            by_name.setdefault(name.strip().casefold(), (delegation, counts.get(delegation.id, 0)))
    return by_name


async def _people_by_email(db: AsyncSession, emails: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(emails), BATCH):
        chunk = emails[start : start + BATCH]
        result = await db.execute(select(Person.email, Person.id).where(Person.email.in_(chunk)))
        found.update({email: person_id for email, person_id in result.tuples() if email})
    return found


async def _registered_people(db: AsyncSession, event: Event, person_ids: list[int]) -> set[int]:
    registered: set[int] = set()
    for start in range(0, len(person_ids), BATCH):
        chunk = person_ids[start : start + BATCH]
        registered.update(
            await db.scalars(
                select(Participant.person_id).where(
                    Participant.event_id == event.id, Participant.person_id.in_(chunk)
                )
            )
        )
    return registered


def _check_against_event(
    rows: list[ImportRow],
    report: ImportReport,
    delegations: dict[str, tuple[Delegation, int]],
    existing_people: dict[str, int],
    registered: set[int],
) -> None:
    taken: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.email and existing_people.get(row.email) in registered:
            report.errors.append(
                RowError(
                    row.line, _("%(email)s is already registered for this event", email=row.email)
                )
            )
        if row.delegation is None:
            continue
        entry = delegations.get(row.delegation.casefold())
        if entry is None:
            report.errors.append(
                RowError(
                    row.line,
                    _("no delegation named %(name)s at this event", name=repr(row.delegation)),
                )
            )
            continue
        delegation, active = entry
        taken[delegation.id] += 1
        if delegation.quota is not None and active + taken[delegation.id] > delegation.quota:
            report.errors.append(
                RowError(
                    row.line,
                    _(
                        "the delegation %(name)s would exceed its quota of %(quota)s "
                        "(%(active)s already registered)",
                        name=repr(row.delegation),
                        quota=delegation.quota,
                        active=active,
                    ),
                )
            )
    report.errors.sort(key=lambda error: error.line)


async def _write(
    db: AsyncSession,
    user: User | None,
    event: Event,
    rows: list[ImportRow],
    report: ImportReport,
    delegations: dict[str, tuple[Delegation, int]],
    existing_people: dict[str, int],
) -> None:
    language = event.primary_language
    now = utc_now()
    organizations = await organizations_by_name(
        db, sorted({row.organization for row in rows if row.organization})
    )
    organization_ids = {key: organization.id for key, organization in organizations.items()}
    new_names: dict[str, str] = {}
    for row in rows:
        if row.organization and row.organization.strip().casefold() not in organization_ids:
            new_names.setdefault(row.organization.strip().casefold(), row.organization.strip())
    if new_names:
        created = await _insert(
            db, Organization, [{"name": {language: name}} for name in new_names.values()]
        )
        organization_ids.update(zip(new_names.keys(), created, strict=True))
        report.created_organizations = len(created)

    new_people = [row for row in rows if not (row.email and row.email in existing_people)]
    person_ids = await _insert(
        db,
        Person,
        [
            person_values(language, row.given_name, row.family_name, row.email, row.phone)
            for row in new_people
        ],
    )
    person_of: dict[int, int] = {
        row.line: person_id for row, person_id in zip(new_people, person_ids, strict=True)
    }
    for row in rows:
        if row.email and row.email in existing_people:
            person_of[row.line] = existing_people[row.email]

    def organization_id(row: ImportRow) -> int | None:
        return organization_ids[row.organization.strip().casefold()] if row.organization else None

    with_position = [row for row in rows if row.position]
    position_ids = await _insert(
        db,
        Position,
        [
            {
                "person_id": person_of[row.line],
                "organization_id": organization_id(row),
                "title": {language: row.position},
            }
            for row in with_position
        ],
    )
    position_of = dict(zip((row.line for row in with_position), position_ids, strict=True))

    participants: list[dict[str, Any]] = [
        {
            "event_id": event.id,
            "person_id": person_of[row.line],
            "category": row.category,
            "status": ParticipantStatus.REGISTERED,
            "delegation_id": (
                delegations[row.delegation.casefold()][0].id if row.delegation else None
            ),
            "organization_id": organization_id(row),
            "position_id": position_of.get(row.line),
            "qr_token": secrets.token_urlsafe(18),
            "short_code": new_short_code(),
            "consent_publication": row.consent,
            "registered_at": now,
        }
        for row in rows
    ]
    participant_ids = await _insert(db, Participant, participants)
    await _insert(
        db,
        AuditEntry,
        [
            {
                "user_id": user.id if user else None,
                "action": AuditAction.CREATE,
                "entity": "participant",
                "entity_id": participant_id,
                "event_id": event.id,
                "before": None,
                "after": {
                    "id": participant_id,
                    "person_id": values["person_id"],
                    "category": values["category"].value,
                    "status": values["status"].value,
                    "delegation_id": values["delegation_id"],
                    "source": "import",
                },
            }
            for participant_id, values in zip(participant_ids, participants, strict=True)
        ],
        returning=False,
    )
    report.imported = len(participant_ids)


async def _insert(
    db: AsyncSession, model: type[Any], values: list[dict[str, Any]], returning: bool = True
) -> list[int]:
    """Bulk INSERT (one executemany / multi-row VALUES), ids back in the order of ``values``.

    Core statements on the table: the ORM's bulk path adds bookkeeping per row that a
    10,000-row import does not need.
    """
    if not values:
        return []
    table = model.__table__
    if not returning:
        await db.execute(insert(table), values)
        return []
    if db.get_bind().dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list((await db.execute(statement, values)).scalars())
    # SQLite cannot promise RETURNING order for a multi-row INSERT, so SQLAlchemy would send
    # one statement per row. But this transaction holds SQLite's only write lock, so the new
    # rows take consecutive ids ending at the highest one.
    await db.execute(insert(table), values)
    last = int(await db.scalar(select(func.max(table.c.id))) or 0)
    return list(range(last - len(values) + 1, last + 1))
