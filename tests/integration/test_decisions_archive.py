"""The demo's decisions through export and import as a copy beside the original (every id
shifts): the ids inside a vote's figures follow the rows they name."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.decisions.models import Candidate, Election, Headcount, Motion, RollCall, Vote
from congress.domain.programme.models import Session
from congress.domain.publishing.archive import export_event, import_event
from congress.domain.registration.models import Delegation


async def _decisions(db: AsyncSession, event_id: int) -> dict[str, Any]:
    names = dict(
        (
            await db.execute(
                select(Delegation.id, Delegation.name).where(Delegation.event_id == event_id)
            )
        )
        .tuples()
        .all()
    )
    election = (
        await db.execute(select(Election).where(Election.event_id == event_id))
    ).scalar_one()
    people = dict(
        (
            await db.execute(
                select(Candidate.id, Candidate.person_id).where(
                    Candidate.election_id == election.id
                )
            )
        )
        .tuples()
        .all()
    )
    votes = (
        (
            await db.execute(
                select(Vote)
                .where(Vote.event_id == event_id)
                .order_by(Vote.election_id.is_not(None), Vote.round)
            )
        )
        .scalars()
        .all()
    )
    sessions = select(Session.id).where(Session.event_id == event_id)
    roll = (
        await db.execute(select(RollCall).where(RollCall.session_id.in_(sessions)))
    ).scalar_one()
    motion = (await db.execute(select(Motion).where(Motion.event_id == event_id))).scalar_one()
    return {
        "motion": (motion.title, motion.adopted_text, motion.status, motion.decided_at),
        "roll": [
            (names[r["delegation_id"]]["en"], r["accredited"], r["present"])
            for r in roll.by_delegation
        ],
        "votes": [
            (
                v.method,
                v.round,
                v.votes_for,
                v.votes_against,
                v.result,
                v.roll_call_id == roll.id,
                [
                    (names[r["delegation_id"]]["en"], r["held"], r["votes_for"])
                    for r in v.breakdown or []
                ],
                sorted((people[int(key)], n) for key, n in (v.tally or {}).items()),
                sorted(people[c] for c in v.elected or []),
            )
            for v in votes
        ],
        "elected": sorted(
            person
            for cid, person in people.items()
            if cid in {c for v in votes for c in v.elected or []}
        ),
        "headcounts": sorted(
            (h.category, h.count, json.dumps(h.note))
            for h in (
                await db.execute(select(Headcount).where(Headcount.session_id.in_(sessions)))
            ).scalars()
        ),
    }


async def test_decisions_survive_export_and_import_as_a_copy(db: AsyncSession, demo: Any) -> None:
    before = await _decisions(db, demo.id)
    data = json.loads(json.dumps(await export_event(db, demo)))
    assert {"motion", "vote", "roll_call", "election", "candidate", "headcount"} <= set(
        data["tables"]
    )
    copy_id = await import_event(db, data, copy=True)
    await db.commit()
    assert copy_id != demo.id
    after = await _decisions(db, copy_id)
    assert after == before
    assert len(before["votes"]) == 3 and len(before["elected"]) == 9 and len(before["roll"]) == 5
