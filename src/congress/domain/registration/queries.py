"""Reading participants: the one query a participant list or lookup starts from, the search
over their names, the order they are listed in, and how one is named.

Registration's pages and badges and the check-in desk all read participants through these.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from congress.domain.events.models import Event
from congress.domain.people.models import Organization, Person
from congress.domain.people.services import person_name
from congress.domain.registration.enums import ACTIVE_STATUSES, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant


def participant_query() -> Select[tuple[Participant]]:
    # Many-to-one: joined in the same query (one round trip per lookup at a busy desk).
    return select(Participant).options(
        joinedload(Participant.person),
        joinedload(Participant.organization),
        joinedload(Participant.delegation),
    )


def matching(event: Event, query: str) -> Any:
    """Every word of ``query`` appears in the name (any event language), e-mail or badge number.

    Expects Person joined to Participant. Case is ignored for ASCII on SQLite, for all
    letters on PostgreSQL.
    """
    texts = [
        func.coalesce(column[language].as_string(), "")
        for language in event.languages or ["en"]
        for column in (Person.given_name, Person.family_name)
    ]
    texts += [func.coalesce(Person.email, ""), func.coalesce(Participant.badge_number, "")]
    joined: Any = texts[0]
    for item in texts[1:]:
        joined = joined + " " + item
    haystack = func.lower(joined)
    return and_(*(haystack.contains(word.casefold(), autoescape=True) for word in query.split()))


def name_order(event: Event) -> tuple[Any, Any]:
    """Order by family name, then given name, in the event's languages (case ignored)."""

    def in_languages(column: Any) -> Any:
        texts = [column[language].as_string() for language in event.languages or ["en"]]
        return func.lower(func.coalesce(*texts, "") if len(texts) > 1 else texts[0])

    return (in_languages(Person.family_name), in_languages(Person.given_name))


def participant_label(participant: Participant, event: Event) -> str:
    return person_name(participant.person, event.primary_language, event.languages)


async def participations_of(
    db: AsyncSession, person_id: int
) -> tuple[list[Participant], list[Delegation]]:
    """A person's participations and the delegations they head, each with its event."""
    participations = (
        await db.scalars(
            select(Participant)
            .where(Participant.person_id == person_id)
            .options(selectinload(Participant.event), selectinload(Participant.delegation))
        )
    ).all()
    headed = (
        await db.scalars(
            select(Delegation)
            .where(Delegation.head_id == person_id)
            .options(selectinload(Delegation.event))
        )
    ).all()
    return list(participations), list(headed)


async def participating_people(db: AsyncSession, event_id: int) -> set[int]:
    """The people taking part in the event (any status but cancelled and no-show)."""
    gone = [ParticipantStatus.CANCELLED, ParticipantStatus.NO_SHOW]
    statement = select(Participant.person_id).where(
        Participant.event_id == event_id, Participant.status.not_in(gone)
    )
    return set((await db.scalars(statement)).all())


async def attending_organizations(db: AsyncSession, event: Event) -> list[Organization]:
    """Bodies present at the event: those that sent a delegation or an accredited participant."""
    present = (ParticipantStatus.ACCREDITED, ParticipantStatus.CHECKED_IN)
    ids = union(
        select(Delegation.organization_id).where(Delegation.event_id == event.id),
        select(Participant.organization_id).where(
            Participant.event_id == event.id, Participant.status.in_(present)
        ),
    ).subquery()
    statement = select(Organization).where(Organization.id.in_(select(ids.c[0])))
    return list((await db.scalars(statement.order_by(Organization.id))).all())


async def delegations_of(
    db: AsyncSession, event: Event, *options: Any
) -> list[tuple[Delegation, int]]:
    """The event's delegations (``options`` say what to load with them) by id, with their
    active member counts (two queries)."""
    delegations = list(
        await db.scalars(
            select(Delegation)
            .where(Delegation.event_id == event.id)
            .options(*options)
            .order_by(Delegation.id)
        )
    )
    counts = dict(
        (
            await db.execute(
                select(Participant.delegation_id, func.count())
                .where(Participant.event_id == event.id)
                .where(Participant.status.in_(ACTIVE_STATUSES))
                .group_by(Participant.delegation_id)
            )
        )
        .tuples()
        .all()
    )
    return [(delegation, counts.get(delegation.id, 0)) for delegation in delegations]
