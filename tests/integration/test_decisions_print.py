"""The proceedings' "Decisions" chapter on the demo: the declaration as adopted with each
delegation's votes, the election's rounds and the elected; listed in the contents."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.decisions.models import Motion, Vote
from congress.domain.events.models import Event
from congress.domain.publishing.printing import load_proceedings, proceedings_pdf
from congress.domain.registration.models import Delegation
from congress.settings import Settings
from tests.pdf import Pdf, squash


async def test_decisions_chapter(db: AsyncSession, demo: Event, settings: Settings) -> None:
    book = await load_proceedings(db, demo, "en")
    motion = (await db.execute(select(Motion))).scalar_one()
    vote = (await db.execute(select(Vote).where(Vote.motion_id == motion.id))).scalar_one()
    names = dict((await db.execute(select(Delegation.id, Delegation.name))).tuples().all())
    result = await asyncio.to_thread(proceedings_pdf, book, settings, parallel=True)
    pdf = Pdf(result.pdf)
    start = result.numbers["decisions"]
    chapter = squash("".join(pdf.pages[start - 1 :]))
    assert chapter.startswith(squash("Decisions Final declaration"))
    assert "Decisions" in pdf.outline_titles()
    assert motion.adopted_text is not None
    for line in motion.adopted_text["en"].splitlines():
        assert squash(line) in chapter
    assert (
        squash(
            f"for {vote.votes_for}, against {vote.votes_against}, abstaining {vote.abstentions} — Adopted"
        )
        in chapter
    )
    assert vote.breakdown is not None
    for row in vote.breakdown:
        cells = f"{names[row['delegation_id']]['en']}{row['held']}{row['votes_for']}{row['votes_against']}{row['abstaining']}"
        assert squash(cells) in chapter
    assert squash("Round 2") in chapter and squash("Elected:") in chapter
