"""The demo's decisions on the public session page and a record of that session: the roll
call, the adopted declaration with each delegation's votes, the elected committee, headcounts."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.decisions.models import Candidate, Election, Headcount, Motion, RollCall, Vote
from congress.domain.people.models import Person, Position
from congress.domain.registration.models import Delegation


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_demo_decisions_on_public_pages(
    client: AsyncTestClient, db: AsyncSession, demo: Any
) -> None:
    motion = (await db.execute(select(Motion).where(Motion.event_id == demo.id))).scalar_one()
    vote = (await db.execute(select(Vote).where(Vote.motion_id == motion.id))).scalar_one()
    roll = (await db.execute(select(RollCall))).scalar_one()
    assert roll.quorum_met and roll.present >= roll.quorum and vote.result.value == "adopted"
    assert vote.breakdown is not None
    assert all(
        row["votes_for"] + row["votes_against"] + row["abstaining"] <= row["held"]
        for row in vote.breakdown
    )
    assert 3 * vote.votes_for >= 2 * (vote.votes_for + vote.votes_against)

    for lang, heading, word in (
        ("en", "Decisions", "Adopted"),
        ("ru", None, None),
        ("de", None, None),
        ("zh", None, None),
    ):
        page = await client.get(
            f"/events/{demo.slug}/sessions/{motion.session_id}", params={"lang": lang}
        )
        assert page.status_code == 200
        text = _text(page.text)
        assert motion.title[lang] in text
        assert motion.adopted_text is not None
        for line in motion.adopted_text[lang].splitlines():
            assert line in text
        if heading:
            assert heading in text and word in text
            assert (
                f"{roll.present} of {roll.accredited} accredited delegates present; quorum {roll.quorum}"
                in text
            )
            assert (
                f"for {vote.votes_for}, against {vote.votes_against}, abstaining {vote.abstentions}"
                in text
            )
    # Every delegation's row, in the order of the breakdown.
    page = (await client.get(f"/events/{demo.slug}/sessions/{motion.session_id}")).text
    table = page.split('class="by-delegation"')[1].split("</table>")[0]
    rows = re.findall(
        r"<tr><td>(.*?)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", table
    )
    names = dict((await db.execute(select(Delegation.id, Delegation.name))).tuples().all())
    assert [(html.unescape(r[0]), *map(int, r[1:])) for r in rows] == [
        (
            names[row["delegation_id"]]["en"],
            row["held"],
            row["votes_for"],
            row["votes_against"],
            row["abstaining"],
        )
        for row in vote.breakdown
    ]
    # The elected, each with the position the election gave.
    election = (await db.execute(select(Election))).scalar_one()
    elected = (
        await db.execute(
            select(Person, Position)
            .join(Candidate, Candidate.person_id == Person.id)
            .join(Position, Position.id == Candidate.position_id)
            .where(Candidate.election_id == election.id, Candidate.elected)
        )
    ).all()
    assert len(elected) == election.seats == 9
    text = _text(page)
    for person, position in elected:
        assert next(iter(person.family_name.values())) in text
        assert position.organization_id == election.body_id and position.start_date is not None
    assert "Round 2" in text and "Further round needed" in text

    # Headcounts of the opening ceremony, apart from the named participants.
    headcounts = (await db.execute(select(Headcount).order_by(Headcount.id))).scalars().all()
    opening = headcounts[0].session_id
    text = _text((await client.get(f"/events/{demo.slug}/sessions/{opening}")).text)
    assert "Also present, not registered by name" in text
    assert "Press: 12 — journalists from five countries" in text
    total = sum(h.count for h in headcounts if h.session_id == opening)
    assert f"Counted without names: {total}" in text
