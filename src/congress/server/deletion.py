"""Deleting from the staff pages: a confirmation step that says what goes with the record,
and a clear answer (not an error page) when other records still need it.

The service decides what blocks a deletion (``EntityService.references``); this module only
words it for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from litestar.response import Template

from congress.server.i18n import gettext as _
from congress.server.i18n import ngettext


def count_of(table: str, n: int) -> str:
    """``n`` rows of ``table`` in words ("3 sessions")."""
    match table:
        case "session":
            return ngettext("%(num)s session", "%(num)s sessions", n)
        case "presidium_seat":
            return ngettext("%(num)s presidium seat", "%(num)s presidium seats", n)
        case "speech_speaker":
            return ngettext("%(num)s speech", "%(num)s speeches", n)
        case "award":
            return ngettext("%(num)s award", "%(num)s awards", n)
        case "gift":
            return ngettext("%(num)s gift", "%(num)s gifts", n)
        case "participant":
            return ngettext("%(num)s participant record", "%(num)s participant records", n)
        case "delegation":
            return ngettext("%(num)s delegation", "%(num)s delegations", n)
        case "position":
            return ngettext("%(num)s position", "%(num)s positions", n)
        case "organization":
            return ngettext("%(num)s organization inside it", "%(num)s organizations inside it", n)
        case "event_organizer":
            return ngettext("%(num)s event it organizes", "%(num)s events it organizes", n)
        case "attendance":
            return ngettext("%(num)s attendance record", "%(num)s attendance records", n)
        case "record":
            return ngettext("%(num)s published record", "%(num)s published records", n)
        case "media_item":
            return ngettext("%(num)s photo or file", "%(num)s photos or files", n)
        case "agenda_item":
            return ngettext("%(num)s agenda item", "%(num)s agenda items", n)
    return f"{n} {table.replace('_', ' ')}"


@dataclass
class Deletion:
    """What the confirmation page shows."""

    title: str
    action: str
    back: str
    consequences: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    advice: str = ""
    button: str = ""
    # Above the consequences, and below them (a deactivation words these differently).
    lead: str = ""
    note: str = ""


class Referenced(Protocol):
    """A service that says what still points at a record (as ``EntityService`` does)."""

    async def references(self, instance: Any) -> dict[str, int]: ...


async def blockers(service: Referenced, instance: Any) -> list[str]:
    return [count_of(table, n) for table, n in (await service.references(instance)).items()]


def confirm_page(deletion: Deletion, status_code: int = 200, **context: Any) -> Template:
    """The confirmation step; with blockers it explains instead of offering the button."""
    deletion.button = deletion.button or _("Delete")
    deletion.lead = deletion.lead or _("Deleting it also removes:")
    deletion.note = deletion.note or _(
        "The history keeps a record of what was deleted, but it cannot be undone here."
    )
    return Template(
        "manage/confirm_delete.html",
        context={"deletion": deletion, **context},
        status_code=status_code,
    )
