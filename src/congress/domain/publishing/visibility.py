"""What anonymous readers may see of people and organizations: only those that something
published names. The rule reads every area's records, so it lives here at the top of the areas,
and the JSON API serves people, organizations and positions through these services
(web/routes.py); staff see everyone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CompoundSelect, Select, select, union
from sqlalchemy.orm import aliased

from congress.domain.events.models import Event, event_organizer
from congress.domain.events.services import PUBLIC_EVENT
from congress.domain.people.models import Organization, Person, Position
from congress.domain.people.services import OrganizationService, PersonService, PositionService
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.models import MediaItem, media_person
from congress.domain.registration.enums import LISTED_STATUSES
from congress.domain.registration.models import Delegation, Participant


def published_people() -> CompoundSelect[Any]:
    """Ids of the people something public names: a seat, a speech, an award or a gift at a
    public event, the head of its delegation, a photo of it, or a participant who agreed to
    appear on its published lists. Anonymous readers see these people and nobody else."""

    public_sessions = select(Session.id).join(Event, Event.id == Session.event_id)
    public_sessions = public_sessions.where(PUBLIC_EVENT)
    public_items = select(AgendaItem.id).where(AgendaItem.session_id.in_(public_sessions))
    public_events = select(Event.id).where(PUBLIC_EVENT)
    spoke = select(Speech.id).where(Speech.agenda_item_id.in_(public_items))
    named: list[Select[Any]] = [
        select(PresidiumSeat.person_id).where(PresidiumSeat.session_id.in_(public_sessions)),
        select(SpeechSpeaker.person_id).where(SpeechSpeaker.speech_id.in_(spoke)),
        *(
            select(column).where(column.is_not(None), owner.agenda_item_id.in_(public_items))
            for owner, columns in (
                (Award, (Award.recipient_id, Award.presenter_id)),
                (Gift, (Gift.giver_id, Gift.recipient_id, Gift.received_by_id)),
            )
            for column in columns
        ),
        select(Delegation.head_id).where(
            Delegation.head_id.is_not(None), Delegation.event_id.in_(public_events)
        ),
        select(media_person.c.person_id).where(
            media_person.c.media_item_id.in_(
                select(MediaItem.id).where(MediaItem.event_id.in_(public_events))
            )
        ),
        select(Participant.person_id).where(
            Participant.event_id.in_(public_events),
            Participant.consent_publication.is_(True),
            Participant.status.in_(LISTED_STATUSES),
        ),
    ]
    return union(*named)


def published_organizations() -> Select[Any]:
    """Ids of the organizations something public names (an organizer, a delegation, a listed
    participant's or a speaker's body, a position of a published person), with the bodies
    they belong to."""

    public_events = select(Event.id).where(PUBLIC_EVENT)
    public_speeches = (
        select(Speech.id)
        .join(AgendaItem, AgendaItem.id == Speech.agenda_item_id)
        .join(Session, Session.id == AgendaItem.session_id)
        .where(Session.event_id.in_(public_events))
    )
    named = union(
        select(event_organizer.c.organization_id).where(
            event_organizer.c.event_id.in_(public_events)
        ),
        select(Delegation.organization_id).where(Delegation.event_id.in_(public_events)),
        select(Participant.organization_id).where(
            Participant.event_id.in_(public_events),
            Participant.consent_publication.is_(True),
            Participant.status.in_(LISTED_STATUSES),
        ),
        select(SpeechSpeaker.on_behalf_of_id).where(SpeechSpeaker.speech_id.in_(public_speeches)),
        select(Position.organization_id).where(Position.person_id.in_(published_people())),
    )
    # The bodies a named organization belongs to are named with it (a committee's group).
    found = select(named.subquery().c[0].label("id")).cte("published_organization", recursive=True)
    parent = aliased(Organization)
    found = found.union(
        select(parent.parent_id).where(parent.id == found.c.id, parent.parent_id.is_not(None))
    )
    return select(found.c.id).where(found.c.id.is_not(None))


class PublishedOrganizationService(OrganizationService):
    def visible(self, statement: Select[Any]) -> Select[Any]:
        return statement.where(Organization.id.in_(published_organizations()))


class PublishedPersonService(PersonService):
    def visible(self, statement: Select[Any]) -> Select[Any]:
        return statement.where(Person.id.in_(published_people()))


class PublishedPositionService(PositionService):
    def visible(self, statement: Select[Any]) -> Select[Any]:
        return statement.where(Position.person_id.in_(published_people()))
