"""The printed record: the programme booklet and the proceedings.

The programme booklet: cover, then each day's sessions with presidium, agenda and speakers.

The proceedings: the whole record of an event as one book.

Cover, contents, the programme as held, one chapter per session (presidium, agenda, the full
transcripts, awards and gifts, photos), the participants by delegation (only those who agreed
to be listed) and an index of speakers.

``proceedings_html`` gives the book as one HTML document (page references by
``target-counter()``); ``proceedings_pdf`` lays it out in parts on all render workers
(:mod:`congress.documents.assemble`), or whole for the PDF/A variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.assemble import Assembled, Metadata, Part, Progress, assemble
from congress.documents.labels import ARABIC_FROM_COVER
from congress.documents.render import BASE_CSS, PdfRequest, render_html, submit, worker_count
from congress.domain.decisions.queries import decisions_of
from congress.domain.events.models import Event
from congress.domain.people.services import person_name
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
            "sessions": list(self.event.sessions if sessions is None else sessions),
            "delegations": self.delegations if delegations else None,
            "index": self.index if index else None,
            "has_participants": True,
            "has_index": bool(self.index),
            "decisions": self.decisions if decisions else None,
            "has_decisions": bool(self.decisions),
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
    return Proceedings(
        doc, delegations, speaker_index(doc), await decisions_chapter(db, event, lang)
    )


async def decisions_chapter(db: AsyncSession, event: Event, lang: str) -> list[dict[str, Any]]:
    """What the congress decided, in the order of its sittings: each motion with the text (as
    adopted) and its votes (per delegation for a roll call), each election with its rounds and
    the elected."""
    found = await decisions_of(db, event.id)
    languages = event.languages

    def tr(value: dict[str, str] | None) -> str:
        return translated(value, lang, languages) if value else ""

    def figures(vote: Any) -> str:
        if vote.election_id is not None:
            line = gettext_in(
                lang,
                "%(ballots)s ballots cast, %(spoilt)s spoilt",
                ballots=vote.ballots,
                spoilt=vote.spoilt,
            )
        else:
            line = gettext_in(
                lang,
                "for %(for)s, against %(against)s, abstaining %(abstaining)s",
                **{
                    "for": vote.votes_for,
                    "against": vote.votes_against,
                    "abstaining": vote.abstentions,
                },
            )
        head = (
            gettext_in(lang, "Round %(round)s", round=vote.round) + ": "
            if vote.round > 1 or vote.election_id
            else ""
        )
        return f"{head}{line} — {gettext_in(lang, found.word(vote.result))}"

    chapter: list[dict[str, Any]] = []
    for motion in found.motions:
        shown = motion.adopted_text if motion.status.value == "adopted" else motion.text
        chapter.append(
            {
                "anchor": f"decision-motion-{motion.id}",
                "kind": gettext_in(lang, found.word(motion.kind)),
                "status": gettext_in(lang, found.word(motion.status)),
                "title": tr(motion.title),
                "lines": [line.strip() for line in tr(shown).splitlines() if line.strip()],
                "votes": [
                    {
                        "figures": figures(vote),
                        "method": gettext_in(lang, found.word(vote.method)),
                        "rows": [
                            (
                                tr(found.delegations.get(row["delegation_id"])),
                                row["held"],
                                row["votes_for"],
                                row["votes_against"],
                                row["abstaining"],
                            )
                            for row in vote.breakdown or []
                        ],
                    }
                    for vote in found.votes_on("motion", motion.id)
                ],
                "elected": [],
            }
        )
    for election in found.elections:
        people = {c.id: found.people[c.person_id] for c in election.candidates}
        chapter.append(
            {
                "anchor": f"decision-election-{election.id}",
                "kind": gettext_in(lang, "Election"),
                "status": "",
                "title": tr(election.title),
                "lines": [],
                "votes": [
                    {
                        "figures": figures(vote),
                        "method": gettext_in(lang, found.word(vote.method)),
                        "rows": [],
                    }
                    for vote in found.votes_on("election", election.id)
                ],
                "elected": [
                    person_name(people[c.id], lang, languages)
                    for c in election.candidates
                    if c.elected
                ],
            }
        )
    return chapter


def proceedings_html(book: Proceedings, settings: Settings | None = None) -> str:
    """The whole book as one HTML document."""
    return render_html(TEMPLATE, book.context(), settings=settings)


def parts_of(book: Proceedings, chunks: int | None = None) -> list[Part]:
    """The book cut into parts that start on a new page: cover and contents, the programme as
    held, runs of sessions of about equal weight, participants, index.

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
            weight=300 * items + 400 * len(sessions) + 2_000,
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
    parts.append(
        Part(
            # The decisions chapter, then the participants (each starts a page).
            book.context(**empty | {"delegations": True, "decisions": True}),
            anchors=(
                *(("decisions", *(d["anchor"] for d in book.decisions)) if book.decisions else ()),
                "participants",
                *(delegation.anchor for delegation in book.delegations),
            ),
            weight=2_000
            + 400 * sum(len(d.members) for d in book.delegations)
            + sum(200 + 100 * len(v["rows"]) for d in book.decisions for v in d["votes"]),
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
