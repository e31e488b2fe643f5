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


async def _votes(service: VoteService, **where: int) -> list[VoteRead]:
    column, value = next(iter(where.items()))
    items, _ = await service.list([getattr(Vote, column) == value], limit=500)
    return [VoteRead.model_validate(vote) for vote in items]


@post(
    "/api/v1/motions/{item_id:int}/votes",
    guards=[WRITE],
    tags=["decisions"],
    status_code=201,
    summary="Record a vote on a motion (refused without quorum unless overridden)",
    security=TOKEN_AUTH,
)
async def vote_on_motion(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: ItemId,
    data: JSONBody[VoteCreate],
) -> VoteRead:
    user = current_user(request)
    motion = await MotionService(db_session, user).get(item_id)
    vote = await VoteService(db_session, user).record(motion, data.model_dump())
    return VoteRead.model_validate(vote)


@get(
    "/api/v1/motions/{item_id:int}/votes",
    guards=[READ],
    tags=["decisions"],
    summary="The votes on a motion",
    security=TOKEN_AUTH,
)
async def motion_votes(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], item_id: ItemId
) -> list[VoteRead]:
    user = current_user(request)
    await MotionService(db_session, user).get(item_id)
    return await _votes(VoteService(db_session, user), motion_id=item_id)


@post(
    "/api/v1/elections/{item_id:int}/votes",
    guards=[WRITE],
    tags=["decisions"],
    status_code=201,
    summary="Record a round of an election (electing creates the positions)",
    security=TOKEN_AUTH,
)
async def vote_in_election(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    item_id: ItemId,
    data: JSONBody[VoteCreate],
) -> VoteRead:
    user = current_user(request)
    election = await ElectionService(db_session, user).get(item_id)
    vote = await VoteService(db_session, user).record(election, data.model_dump())
    return VoteRead.model_validate(vote)


@get(
    "/api/v1/elections/{item_id:int}/votes",
    guards=[READ],
    tags=["decisions"],
    summary="The rounds of an election",
    security=TOKEN_AUTH,
)
async def election_votes(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], item_id: ItemId
) -> list[VoteRead]:
    user = current_user(request)
    await ElectionService(db_session, user).get(item_id)
    return await _votes(VoteService(db_session, user), election_id=item_id)


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


ROUTES = [vote_on_motion, motion_votes, vote_in_election, election_votes, get_vote, correct_vote]
