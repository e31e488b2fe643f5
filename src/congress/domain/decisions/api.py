"""Votes as JSON: recorded on a motion or an election, corrected with a reason.

Motions, elections, roll calls and headcounts are plain resources (``RESOURCES`` in
web/routes.py); a vote is an action on its motion or election, so it has its own handlers.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.access import DECISION_READERS, DECISION_WRITERS
from congress.domain.common import MAX_ID
from congress.domain.decisions.models import Vote
from congress.domain.decisions.schemas import VoteCorrection, VoteCreate, VoteRead
from congress.domain.decisions.services import (
    ElectionService,
    MotionService,
    VoteService,
)
from congress.server.security import current_user, roles

WRITE = roles(*DECISION_WRITERS)
READ = roles(*DECISION_READERS)
TOKEN_AUTH: list[dict[str, list[str]]] = [{"BearerToken": []}]
ItemId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


def _vote_routes(
    collection: str,
    target: type[MotionService | ElectionService],
    column: Any,
    record: tuple[str, str],
    listed: tuple[str, str],
) -> list[Any]:
    """Record a vote on one of ``collection`` (motions or elections) and list its votes, those
    whose ``column`` names it; ``record`` and ``listed``: operation ids and summaries."""
    path = f"/api/v1/{collection}/{{item_id:int}}/votes"
    prefix = f"ApiV1{collection.title()}ItemIdVotes"

    @post(
        path,
        guards=[WRITE],
        tags=["decisions"],
        status_code=201,
        operation_id=prefix + record[0],
        summary=record[1],
        security=TOKEN_AUTH,
    )
    async def record_vote(
        db_session: NamedDependency[AsyncSession],
        request: Request[Any, Any, Any],
        item_id: ItemId,
        data: JSONBody[VoteCreate],
    ) -> VoteRead:
        user = current_user(request)
        item = await target(db_session, user).get(item_id)
        vote = await VoteService(db_session, user).record(item, data.model_dump())
        return VoteRead.model_validate(vote)

    @get(
        path,
        guards=[READ],
        tags=["decisions"],
        operation_id=prefix + listed[0],
        summary=listed[1],
        security=TOKEN_AUTH,
    )
    async def list_votes(
        db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], item_id: ItemId
    ) -> list[VoteRead]:
        user = current_user(request)
        await target(db_session, user).get(item_id)
        items, _ = await VoteService(db_session, user).list([column == item_id], limit=500)
        return [VoteRead.model_validate(vote) for vote in items]

    return [record_vote, list_votes]


@get(
    "/api/v1/votes/{item_id:int}",
    guards=[READ],
    tags=["decisions"],
    summary="One vote with its figures",
    security=TOKEN_AUTH,
)
async def get_vote(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], item_id: ItemId
) -> VoteRead:
    return VoteRead.model_validate(
        await VoteService(db_session, current_user(request)).get(item_id)
    )


@patch(
    "/api/v1/votes/{item_id:int}",
    guards=[WRITE],
    tags=["decisions"],
    summary="Correct a vote's figures (with the reason; the earlier ones stay in the history)",
    security=TOKEN_AUTH,
)
async def correct_vote(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: ItemId,
    data: JSONBody[VoteCorrection],
) -> VoteRead:
    values = data.model_dump(exclude_unset=True)
    if data.breakdown is not None:
        values["breakdown"] = [row.model_dump() for row in data.breakdown]
    vote = await VoteService(db_session, current_user(request)).correct(item_id, values)
    return VoteRead.model_validate(vote)


ROUTES = [
    *_vote_routes(
        "motions",
        MotionService,
        Vote.motion_id,
        ("VoteOnMotion", "Record a vote on a motion (refused without quorum unless overridden)"),
        ("MotionVotes", "The votes on a motion"),
    ),
    *_vote_routes(
        "elections",
        ElectionService,
        Vote.election_id,
        ("VoteInElection", "Record a round of an election (electing creates the positions)"),
        ("ElectionVotes", "The rounds of an election"),
    ),
    get_vote,
    correct_vote,
]
