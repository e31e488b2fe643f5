"""The printed record: the programme booklet and the proceedings.

The programme booklet: cover, then each day's sessions with presidium, agenda and speakers.

The proceedings: the whole record of an event as one book.

Cover, contents, the programme as held (with each roll call, vote and election at the agenda
item where it happened, and each session's headcounts), one chapter per session (presidium,
agenda, the full transcripts, awards and gifts, photos), the decisions (adopted texts, vote
tables), the participants by delegation (only those who agreed to be listed, then the people
counted without names) and an index of speakers.

``proceedings_html`` gives the book as one HTML document (page references by
``target-counter()``); ``proceedings_pdf`` lays it out in parts on all render workers
(:mod:`congress.documents.assemble`), or whole for the PDF/A variant.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import babel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.assemble import Assembled, Metadata, Part, Progress, assemble
from congress.documents.labels import ARABIC_FROM_COVER
from congress.documents.render import BASE_CSS, PdfRequest, render_html, submit, worker_count
from congress.domain.decisions.models import Election, Motion, Vote
from congress.domain.decisions.queries import Decisions, decisions_of
from congress.domain.events.models import Event
from congress.domain.people.services import person_name
from congress.domain.programme.models import AgendaItem, Session
from congress.domain.publishing.content import (
    DelegationDoc,
    EventDoc,
    IndexEntry,
    SessionDoc,
    load_delegations,
    load_event_doc,
    require_language,
    speaker_index,
)
from congress.messages import gettext_in
from congress.server.templating import time_text
from congress.settings import Settings
from congress.translation import text as translated

PROGRAMME_CSS = (BASE_CSS, "print/programme.css")
# The programme's viewer page numbers: as printed, counted from the cover.
PROGRAMME_LABELS = ARABIC_FROM_COVER
TEMPLATE = "print/proceedings.html"
STYLESHEETS = (BASE_CSS, "print/programme.css", "print/proceedings.css")
ARCHIVE_VARIANT = "pdf/a-3u"
# Below this weight (about the characters of text) a book is laid out as one document: starting
# parts costs more than it saves.
PARALLEL_FROM_WEIGHT = 400_000


@dataclass(slots=True)
class Proceedings:
    event: EventDoc
    delegations: list[DelegationDoc]
    index: list[IndexEntry]
    # The "Decisions" chapter: plain data (it travels to the layout workers).
    decisions: list[dict[str, Any]] = field(default_factory=list)
    # Each decision in its place in the programme as held, by session anchor (see ``Held``).
    held_decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    # People counted without names, per session: (session title, lines, count), for the
    # participants chapter (apart from the named participants).
    unnamed: list[tuple[str, list[str], int]] = field(default_factory=list)

    @property
    def weight(self) -> int:
        members = sum(len(delegation.members) for delegation in self.delegations)
        return sum(session.weight for session in self.event.sessions) + 400 * members

    @property
    def metadata(self) -> Metadata:
        title = f"{self.event.name} — {gettext_in(self.event.lang, 'Proceedings')}"
        author = ", ".join(self.event.organizers) or self.event.name
        return Metadata(title, author, self.event.lang)

    def context(
        self,
        *,
        front: bool = True,
        held: bool = True,
        sessions: Sequence[SessionDoc] | None = None,
        delegations: bool = True,
        index: bool = True,
        decisions: bool = True,
    ) -> dict[str, Any]:
        metadata = self.metadata
        return {
            "lang": self.event.lang,
            "title": metadata.title,
            "author": metadata.author,
            "event": self.event,
            "front": front,
            "held": held,
            "held_decisions": self.held_decisions if held else {},
            "sessions": list(self.event.sessions if sessions is None else sessions),
            "delegations": self.delegations if delegations else None,
            "unnamed": self.unnamed,
            "unnamed_total": sum(count for _, _, count in self.unnamed),
            "index": self.index if index else None,
            "has_participants": True,
            "has_index": bool(self.index),
            "decisions": self.decisions if decisions else None,
            "has_decisions": bool(self.decisions),
            # The contents list each decision under the chapter.
            "decision_titles": [(d["anchor"], d["title"]) for d in self.decisions],
            "numbers": None,
        }

    def anchors(self, sessions: Sequence[SessionDoc]) -> tuple[str, ...]:
        return tuple(
            anchor
            for session in sessions
            for anchor in (session.anchor, *(item.anchor for item in session.items))
        )


async def load_proceedings(db: AsyncSession, event: Event, lang: str) -> Proceedings:
    """Everything the book prints (``event`` with venue and organizers loaded)."""
    doc = await load_event_doc(db, event, lang, full=True)
    delegations = await load_delegations(db, event, lang)
    found = await decisions_of(db, event.id)
    places = await _agenda_places(db, event.id) if not found.empty else {}
    held = Held(found, event, lang, places).by_session()
    unnamed = [
        (session.title, held[session.anchor]["headcounts"], held[session.anchor]["counted"])
        for session in doc.sessions
        if held.get(session.anchor, {}).get("headcounts")
    ]
    return Proceedings(
        doc, delegations, speaker_index(doc), _decisions_chapter(found, event, lang), held, unnamed
    )


async def _agenda_places(
    db: AsyncSession, event_id: int
) -> dict[int, tuple[int, int, dt.datetime | None]]:
    """Agenda item id → (session id, position, start as held or planned): where a decision
    happened, and which item a roll call fell in."""
    rows = await db.execute(
        select(
            AgendaItem.id,
            AgendaItem.session_id,
            AgendaItem.position,
            AgendaItem.actual_start,
            AgendaItem.planned_start,
        )
        .join(Session, Session.id == AgendaItem.session_id)
        .where(Session.event_id == event_id)
    )
    return {
        item_id: (session_id, position, actual or planned)
        for item_id, session_id, position, actual, planned in rows.tuples()
    }


class _Words:
    """The figures of a vote as the book's language says them."""

    def __init__(self, found: Decisions, event: Event, lang: str) -> None:
        self.found = found
        self.lang = lang
        self.languages = event.languages

    def tr(self, value: dict[str, str] | None) -> str:
        return translated(value, self.lang, self.languages) if value else ""

    def word(self, value: Any) -> str:
        return gettext_in(self.lang, self.found.word(value))

    def figures(self, vote: Vote) -> str:
        """ "for 80, against 3, abstaining 4" (a motion), "85 ballots cast, 2 spoilt" (an
        election)."""
        if vote.election_id is not None:
            return gettext_in(
                self.lang,
                "%(ballots)s ballots cast, %(spoilt)s spoilt",
                ballots=vote.ballots,
                spoilt=vote.spoilt,
            )
        line = gettext_in(
            self.lang,
            "for %(for)s, against %(against)s, abstaining %(abstaining)s",
            **{
                "for": vote.votes_for,
                "against": vote.votes_against,
                "abstaining": vote.abstentions,
            },
        )
        if vote.spoilt:
            line += ", " + gettext_in(self.lang, "spoilt %(spoilt)s", spoilt=vote.spoilt)
        return line

    def how(self, vote: Vote) -> str:
        """ "Round 2 · Secret ballot", "Roll call by delegation · Two-thirds majority"."""
        election = vote.election_id is not None
        parts = (
            gettext_in(self.lang, "Round %(round)s", round=vote.round)
            if election or vote.round > 1
            else "",
            self.word(vote.method),
            "" if election else self.word(vote.majority),
        )
        return " · ".join(part for part in parts if part)

    def notes(self, vote: Vote) -> list[str]:
        notes = []
        if vote.quorum_override_reason:
            notes.append(
                gettext_in(
                    self.lang,
                    "Quorum overridden by the chair: %(reason)s",
                    reason=vote.quorum_override_reason,
                )
            )
        if vote.correction_reason:
            notes.append(
                gettext_in(
                    self.lang, "Figures corrected: %(reason)s", reason=vote.correction_reason
                )
            )
        return notes

    def elected(self, election: Election) -> list[str]:
        return [
            person_name(self.found.people[c.person_id], self.lang, self.languages)
            for c in election.candidates
            if c.elected and c.person_id in self.found.people
        ]


# An election's rounds stand side by side while each has at most this many candidates (each
# round's table, unbreakable then, stays well within a page).
SIDE_BY_SIDE_CANDIDATES = 30
# A roll call's figures per delegation, in the columns of its table.
FIGURES = ("held", "votes_for", "votes_against", "abstaining")


def _decisions_chapter(found: Decisions, event: Event, lang: str) -> list[dict[str, Any]]:
    """What the congress decided, in the order of its sittings: each motion with the text (as
    adopted) and its votes (per delegation for a roll call, with the totals), each election
    with its rounds (votes per candidate) and the elected."""
    words = _Words(found, event, lang)
    tr = words.tr

    def figures(vote: Vote) -> str:
        return f"{words.figures(vote)} — {words.word(vote.result)}"

    def method(vote: Vote) -> str:
        return words.how(vote)

    chapter: list[dict[str, Any]] = []
    for motion in found.motions:
        shown = motion.adopted_text if motion.status.value == "adopted" else motion.text
        votes = []
        for vote in found.votes_on("motion", motion.id):
            rows = [
                (tr(found.delegations.get(row["delegation_id"])), *(row[key] for key in FIGURES))
                for row in vote.breakdown or []
            ]
            total = (
                gettext_in(lang, "Total"),
                *(sum(int(row[key]) for row in vote.breakdown or []) for key in FIGURES),
            )
            votes.append(
                {
                    "figures": figures(vote),
                    "method": method(vote),
                    "notes": words.notes(vote),
                    "rows": rows,
                    "total": total if rows else None,
                    "tally": [],
                }
            )
        chapter.append(
            {
                "anchor": f"decision-motion-{motion.id}",
                "kind": words.word(motion.kind),
                "status": words.word(motion.status),
                "title": tr(motion.title),
                "lines": [line.strip() for line in tr(shown).splitlines() if line.strip()],
                "votes": votes,
                "elected": [],
                "side_by_side": False,
            }
        )
    for election in found.elections:
        rounds = found.votes_on("election", election.id)
        names = {
            str(c.id): person_name(found.people[c.person_id], lang, event.languages)
            for c in election.candidates
            if c.person_id in found.people
        }
        body = tr(election.body.name) if election.body is not None else ""
        chapter.append(
            {
                "anchor": f"decision-election-{election.id}",
                "kind": " · ".join(filter(None, (gettext_in(lang, "Election"), body))),
                "status": gettext_in(lang, "Seats: %(seats)s", seats=election.seats),
                "title": tr(election.title),
                "lines": [],
                "votes": [
                    {
                        "figures": figures(vote),
                        "method": method(vote),
                        "notes": words.notes(vote),
                        "rows": [],
                        "total": None,
                        "tally": [
                            (
                                names.get(key, ""),
                                count,
                                int(key) in (vote.elected or []),
                            )
                            for key, count in sorted(
                                (vote.tally or {}).items(), key=lambda pair: -pair[1]
                            )
                        ],
                    }
                    for vote in rounds
                ],
                "elected": words.elected(election),
                "side_by_side": len(rounds) > 1
                and all(len(vote.tally or {}) <= SIDE_BY_SIDE_CANDIDATES for vote in rounds),
            }
        )
    return chapter


class Held:
    """The decisions in their place in the programme as held, per session anchor:

    - ``items``: agenda item anchor → entries (votes on a motion or an election attached to the
      item, roll calls taken while it was under way), in time order;
    - ``start``: roll calls taken before the first agenda item began;
    - ``end``: motions and elections of the session attached to no agenda item;
    - ``headcounts``: the people counted without names, one line per count; ``counted``, their
      number, and ``headcount_total`` saying it.

    Entries are plain dicts (they travel to the layout workers) with a ``kind`` of
    ``roll-call``, ``motion`` or ``election``; a motion or election names its ``target``, the
    anchor of its full entry in the "Decisions" chapter.
    """

    def __init__(
        self,
        found: Decisions,
        event: Event,
        lang: str,
        places: dict[int, tuple[int, int, dt.datetime | None]],
    ) -> None:
        self.found = found
        self.words = _Words(found, event, lang)
        self.lang = lang
        self.zone = zoneinfo.ZoneInfo(event.timezone)
        self.places = places
        self.sessions: dict[int, dict[str, Any]] = {}

    def by_session(self) -> dict[str, dict[str, Any]]:
        found = self.found
        for roll in found.roll_calls:
            item_id = self._item_during(roll.session_id, roll.taken_at)
            self._add(roll.session_id, item_id, "start", self._roll_call(roll), roll.taken_at)
        for motion in found.motions:
            self._decision(motion, self._motion(motion), found.votes_on("motion", motion.id))
        for election in found.elections:
            self._decision(
                election, self._election(election), found.votes_on("election", election.id)
            )
        counted: dict[int, int] = {}
        for headcount in found.headcounts:
            self._session(headcount.session_id)["headcounts"].append(self._headcount(headcount))
            counted[headcount.session_id] = counted.get(headcount.session_id, 0) + headcount.count
        result: dict[str, dict[str, Any]] = {}
        for session_id, place in self.sessions.items():
            timed = place.pop("timed")
            for where, entries in timed.items():
                ordered = [entry for _, _, entry in sorted(entries, key=lambda row: row[:2])]
                if where in ("start", "end"):
                    place[where] = ordered
                else:
                    place["items"][where] = ordered
            place["counted"] = counted.get(session_id, 0)
            if session_id in counted:
                place["headcount_total"] = gettext_in(
                    self.lang, "Counted without names: %(count)s", count=counted[session_id]
                )
            result[f"session-{session_id}"] = place
        return result

    def _session(self, session_id: int) -> dict[str, Any]:
        return self.sessions.setdefault(
            session_id,
            {"start": [], "items": {}, "end": [], "headcounts": [], "timed": {}},
        )

    def _add(
        self,
        session_id: int,
        item_id: int | None,
        fallback: str,
        entry: dict[str, Any],
        moment: dt.datetime | None,
    ) -> None:
        """``entry`` at the agenda item ``item_id``, else at the session's ``fallback`` place
        ("start" or "end"); entries of one place are in the order of their ``moment``."""
        where = f"item-{item_id}" if item_id is not None else fallback
        entries = self._session(session_id)["timed"].setdefault(where, [])
        at = moment if moment is not None else dt.datetime.max.replace(tzinfo=dt.UTC)
        entries.append((at, len(entries), entry))

    def _item_during(self, session_id: int, moment: dt.datetime) -> int | None:
        """The agenda item under way at ``moment``: the last of the session to have begun."""
        begun = [
            (start, position, item_id)
            for item_id, (session, position, start) in self.places.items()
            if session == session_id and start is not None and start <= moment
        ]
        return max(begun)[2] if begun else None

    def _decision(
        self, decision: Motion | Election, entry: dict[str, Any], votes: list[Vote]
    ) -> None:
        item_id = decision.agenda_item_id
        if item_id is not None and item_id in self.places:
            session_id: int | None = self.places[item_id][0]
        else:
            item_id, session_id = None, decision.session_id
        if session_id is None:
            return  # decided outside the sittings: only in the "Decisions" chapter
        moment = votes[0].taken_at if votes else decision.decided_at
        self._add(session_id, item_id, "end", entry, moment)

    def _clock(self, moment: dt.datetime | None) -> str:
        return time_text(moment, tz=self.zone, lang=self.lang)

    def _roll_call(self, roll: Any) -> dict[str, Any]:
        return {
            "kind": "roll-call",
            "label": gettext_in(self.lang, "Roll call"),
            "time": self._clock(roll.taken_at),
            "text": gettext_in(
                self.lang,
                "%(present)s of %(accredited)s accredited delegates present; quorum %(quorum)s",
                present=roll.present,
                accredited=roll.accredited,
                quorum=roll.quorum,
            ),
            "verdict": (
                gettext_in(self.lang, "quorum present")
                if roll.quorum_met
                else gettext_in(self.lang, "no quorum")
            ),
            "met": roll.quorum_met,
        }

    def _votes(self, votes: list[Vote]) -> list[dict[str, Any]]:
        words = self.words
        return [
            {
                "how": words.how(vote),
                "time": self._clock(vote.taken_at),
                "figures": words.figures(vote),
                "result": words.word(vote.result),
                "notes": words.notes(vote),
            }
            for vote in votes
        ]

    def _motion(self, motion: Motion) -> dict[str, Any]:
        words = self.words
        return {
            "kind": "motion",
            "label": words.word(motion.kind),
            "status": words.word(motion.status),
            "title": words.tr(motion.title),
            "body": "",
            "votes": self._votes(self.found.votes_on("motion", motion.id)),
            "elected": [],
            "target": f"decision-motion-{motion.id}",
        }

    def _election(self, election: Election) -> dict[str, Any]:
        words = self.words
        return {
            "kind": "election",
            "label": gettext_in(self.lang, "Election"),
            "status": gettext_in(self.lang, "Seats: %(seats)s", seats=election.seats),
            "title": words.tr(election.title),
            "body": words.tr(election.body.name) if election.body is not None else "",
            "votes": self._votes(self.found.votes_on("election", election.id)),
            "elected": words.elected(election),
            "target": f"decision-election-{election.id}",
        }

    def _headcount(self, headcount: Any) -> str:
        words = self.words
        where = [
            _country(headcount.country, self.lang) if headcount.country else "",
            words.tr(headcount.organization.name) if headcount.organization else "",
            words.tr(headcount.note),
        ]
        details = " — ".join(part for part in where if part)
        line = f"{words.word(headcount.category)}: {headcount.count}"
        return f"{line} — {details}" if details else line


def _country(code: str, lang: str) -> str:
    """The country's name in ``lang`` (CLDR), else its code."""
    try:
        return str(babel.Locale.parse(lang).territories.get(code.upper(), code))
    except (ValueError, babel.UnknownLocaleError):
        return code


def proceedings_html(book: Proceedings, settings: Settings | None = None) -> str:
    """The whole book as one HTML document."""
    return render_html(TEMPLATE, book.context(), settings=settings)


def parts_of(book: Proceedings, chunks: int | None = None) -> list[Part]:
    """The book cut into parts that start on a new page: cover and contents, the programme as
    held, runs of sessions of about equal weight, decisions, participants, index.

    The contents are laid out twice (their length first, then with the page numbers): the
    programme as held is a part of its own so that it is laid out once.
    """
    sessions = book.event.sessions
    if chunks is None:
        # Sessions flow on after each other in the book; a part always starts a new page. A
        # small book keeps its sessions in one part (paginated as the whole book is); only a
        # heavy one is cut into runs, each starting a page, for the parallel layout's sake.
        heavy = book.weight >= PARALLEL_FROM_WEIGHT
        chunks = max(1, 2 * worker_count()) if heavy else 1
    empty: dict[str, Any] = {
        "front": False,
        "held": False,
        "sessions": [],
        "delegations": False,
        "index": False,
        "decisions": False,
    }
    items = sum(len(session.items) for session in sessions)
    parts = [
        Part(
            book.context(**empty | {"front": True}),
            anchors=("contents",),
            numbering=True,
            weight=100 * items + 2_000,
        ),
        Part(
            book.context(**empty | {"held": True}),
            anchors=("programme-as-held",),
            weight=300 * items + 400 * len(sessions) + 2_000 + 500 * len(book.decisions),
        ),
    ]
    total = sum(session.weight for session in sessions)
    target = total / chunks if sessions else 1
    run: list[SessionDoc] = []
    running = 0
    for session in sessions:
        run.append(session)
        running += session.weight
        if running >= target:
            parts.append(_session_part(book, run, running, empty))
            run, running = [], 0
    if run:
        parts.append(_session_part(book, run, running, empty))
    if book.decisions:
        # A part of its own (the chapter starts a page): a roll call of many delegations is a
        # long table, laid out beside the participants, not after them.
        parts.append(
            Part(
                book.context(**empty | {"decisions": True}),
                anchors=("decisions", *(d["anchor"] for d in book.decisions)),
                weight=2_000
                + sum(
                    200 + 100 * (len(v["rows"]) + len(v["tally"]))
                    for d in book.decisions
                    for v in d["votes"]
                ),
            )
        )
    parts.append(
        Part(
            book.context(**empty | {"delegations": True}),
            anchors=("participants", *(delegation.anchor for delegation in book.delegations)),
            weight=2_000 + 400 * sum(len(d.members) for d in book.delegations),
        )
    )
    if book.index:
        parts.append(
            Part(
                book.context(**empty | {"index": True}),
                anchors=("speaker-index",),
                numbering=True,
                weight=1_000 + 100 * len(book.index),
            )
        )
    return parts


def _session_part(
    book: Proceedings, run: list[SessionDoc], weight: int, empty: dict[str, Any]
) -> Part:
    return Part(
        book.context(**empty | {"sessions": list(run)}), anchors=book.anchors(run), weight=weight
    )


def proceedings_pdf(
    book: Proceedings,
    settings: Settings,
    *,
    archive: bool = False,
    parallel: bool | None = None,
    progress: Progress | None = None,
) -> Assembled:
    """The book as PDF (blocks: call from a thread or the command line).

    Large books are laid out in parts in parallel (``parallel=None`` decides by size). The PDF/A
    variant is laid out as one document, so that WeasyPrint writes the archival structures
    (XMP metadata, output intent) for the whole file.
    """
    if parallel is None:
        parallel = book.weight >= PARALLEL_FROM_WEIGHT and worker_count() > 1
    if parallel and not archive:
        return assemble(
            TEMPLATE,
            parts_of(book),
            metadata=book.metadata,
            settings=settings,
            stylesheets=STYLESHEETS,
            progress=progress,
        )
    if progress is not None:
        progress(0, 1, "laying out")
    anchors = tuple(anchor for part in parts_of(book, 1) for anchor in part.anchors)
    result = submit(
        PdfRequest.make(
            None,
            settings,
            template=TEMPLATE,
            context=book.context(),
            stylesheets=STYLESHEETS,
            variant=ARCHIVE_VARIANT if archive else None,
            anchors=anchors,
            page_labels=ARABIC_FROM_COVER,
        )
    ).result()
    if progress is not None:
        progress(1, 1, "done")
    numbers = {anchor: page + 1 for anchor, page in result.anchor_pages.items()}
    return Assembled(result.pdf, result.pages, numbers, [result.pages])


async def programme_html(
    db: AsyncSession,
    event: Event,
    lang: str,
    *,
    second: str | None = None,
    screen: bool = False,
    links: Sequence[dict[str, Any]] = (),
    settings: Settings | None = None,
) -> str:
    """The programme in ``lang``; with ``second``, the bilingual edition (two columns).

    ``event`` must have its venue and organizers loaded (``publishing.services.public_event``).
    """
    doc = await load_event_doc(db, event, lang)
    other = None
    if second is not None and second != lang:
        require_language(event, second)
        other = await load_event_doc(db, event, second)
    title = f"{doc.name} — {gettext_in(lang, 'Programme')}"
    return render_html(
        "print/programme.html",
        {
            "lang": lang,
            "title": title,
            "author": ", ".join(doc.organizers) or doc.name,
            "event": doc,
            "other": other,
            "screen": screen,
            "links": links,
        },
        settings=settings,
    )
