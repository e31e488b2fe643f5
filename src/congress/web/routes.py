"""Every route of the application, in one place."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody, PathParameter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts import controllers as accounts_pages
from congress.domain.accounts.enums import Role
from congress.domain.accounts.schemas import AuditEntryRead, UserCreate, UserRead, UserUpdate
from congress.domain.accounts.services import AuditEntryService, UserService
from congress.domain.checkin import api as checkin_api
from congress.domain.checkin import controllers as checkin_pages
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.schemas import AttendanceCreate, AttendanceRead, AttendanceUpdate
from congress.domain.checkin.services import AttendanceService
from congress.domain.common import MAX_ID
from congress.domain.decisions import api as decisions_api
from congress.domain.decisions import controllers as decisions_pages
from congress.domain.decisions.enums import HeadcountCategory, MotionStatus
from congress.domain.decisions.queries import unnamed_counts
from congress.domain.decisions.schemas import (
    ElectionCreate,
    ElectionRead,
    ElectionUpdate,
    HeadcountCreate,
    HeadcountRead,
    HeadcountUpdate,
    MotionCreate,
    MotionRead,
    MotionUpdate,
    RollCallCreate,
    RollCallRead,
)
from congress.domain.decisions.services import (
    ElectionService,
    HeadcountService,
    MotionService,
    RollCallService,
)
from congress.domain.events import controllers as events_pages
from congress.domain.events.enums import EventStatus
from congress.domain.events.schemas import (
    EventCreate,
    EventRead,
    EventUpdate,
    RoomCreate,
    RoomRead,
    RoomUpdate,
    VenueCreate,
    VenueRead,
    VenueUpdate,
)
from congress.domain.events.services import EventService, RoomService, VenueService
from congress.domain.people import controllers as people_pages
from congress.domain.people.enums import OrganizationKind
from congress.domain.people.schemas import (
    OrganizationCreate,
    OrganizationRead,
    OrganizationUpdate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    PositionCreate,
    PositionRead,
    PositionUpdate,
)
from congress.domain.programme import controllers as programme_pages
from congress.domain.programme.enums import AgendaItemKind, SeatRole, SessionKind, SpeechKind
from congress.domain.programme.queries import appearances_of
from congress.domain.programme.schemas import (
    AgendaItemCreate,
    AgendaItemRead,
    AgendaItemUpdate,
    AgendaOrder,
    AwardCreate,
    AwardRead,
    AwardUpdate,
    GiftCreate,
    GiftRead,
    GiftUpdate,
    PresidiumSeatCreate,
    PresidiumSeatRead,
    PresidiumSeatUpdate,
    SessionCreate,
    SessionRead,
    SessionUpdate,
    SpeechCreate,
    SpeechRead,
    SpeechUpdate,
)
from congress.domain.programme.services import (
    AgendaItemService,
    AwardService,
    GiftService,
    PresidiumSeatService,
    SessionService,
    SpeechService,
    get_session,
)
from congress.domain.publishing import api as publishing_api
from congress.domain.publishing import controllers as publishing_pages
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    CommentRead,
    CommentUpdate,
    MediaItemCreate,
    MediaItemRead,
    MediaItemUpdate,
    RecordCreate,
    RecordRead,
    RecordUpdate,
    TagCreate,
    TagRead,
    TagUpdate,
)
from congress.domain.publishing.services import (
    CategoryService,
    CommentService,
    MediaItemService,
    RecordService,
    TagService,
)
from congress.domain.publishing.visibility import (
    PublishedOrganizationService,
    PublishedPersonService,
    PublishedPositionService,
)
from congress.domain.registration import api as registration_api
from congress.domain.registration import controllers as registration_pages
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.schemas import (
    DelegationCreate,
    DelegationRead,
    DelegationUpdate,
    ParticipantCreate,
    ParticipantRead,
    ParticipantUpdate,
)
from congress.domain.registration.services import DelegationService, ParticipantService
from congress.server.security import current_user, public, roles
from congress.web import ops
from congress.web.api import Resource, api_routes

RESOURCES = [
    Resource(
        "organizations",
        PublishedOrganizationService,
        OrganizationRead,
        OrganizationCreate,
        OrganizationUpdate,
        filters={
            "kind": (OrganizationKind, "kind"),
            "country": (str, "country"),
            "parent_id": (int, "parent_id"),
        },
        tag="people",
    ),
    Resource(
        "people",
        PublishedPersonService,
        PersonRead,
        PersonCreate,
        PersonUpdate,
        filters={"country": (str, "country")},
        tag="people",
    ),
    Resource(
        "positions",
        PublishedPositionService,
        PositionRead,
        PositionCreate,
        PositionUpdate,
        filters={"person_id": (int, "person_id"), "organization_id": (int, "organization_id")},
        tag="people",
    ),
    Resource("venues", VenueService, VenueRead, VenueCreate, VenueUpdate, tag="events"),
    Resource(
        "rooms",
        RoomService,
        RoomRead,
        RoomCreate,
        RoomUpdate,
        filters={"venue_id": (int, "venue_id")},
        tag="events",
    ),
    Resource(
        "events",
        EventService,
        EventRead,
        EventCreate,
        EventUpdate,
        filters={"status": (EventStatus, "status")},
        by_slug=True,
        tag="events",
    ),
    Resource(
        "sessions",
        SessionService,
        SessionRead,
        SessionCreate,
        SessionUpdate,
        parent="event",
        filters={"kind": (SessionKind, "kind"), "room_id": (int, "room_id")},
        tag="programme",
    ),
    Resource(
        "presidium-seats",
        PresidiumSeatService,
        PresidiumSeatRead,
        PresidiumSeatCreate,
        PresidiumSeatUpdate,
        parent="session",
        filters={"person_id": (int, "person_id"), "role": (SeatRole, "role")},
        tag="programme",
    ),
    Resource(
        "agenda-items",
        AgendaItemService,
        AgendaItemRead,
        AgendaItemCreate,
        AgendaItemUpdate,
        parent="session",
        filters={"kind": (AgendaItemKind, "kind")},
        tag="programme",
    ),
    Resource(
        "speeches",
        SpeechService,
        SpeechRead,
        SpeechCreate,
        SpeechUpdate,
        parent="event",
        filters={
            "session_id": (int, "session_id"),
            "kind": (SpeechKind, "kind"),
            "language": (str, "language"),
        },
        tag="programme",
    ),
    Resource(
        "awards",
        AwardService,
        AwardRead,
        AwardCreate,
        AwardUpdate,
        parent="event",
        filters={"session_id": (int, "session_id"), "recipient_id": (int, "recipient_id")},
        tag="programme",
    ),
    Resource(
        "gifts",
        GiftService,
        GiftRead,
        GiftCreate,
        GiftUpdate,
        parent="event",
        filters={"session_id": (int, "session_id"), "recipient_id": (int, "recipient_id")},
        tag="programme",
    ),
    Resource(
        "delegations",
        DelegationService,
        DelegationRead,
        DelegationCreate,
        DelegationUpdate,
        parent="event",
        filters={"country": (str, "country")},
        tag="registration",
    ),
    Resource(
        "participants",
        ParticipantService,
        ParticipantRead,
        ParticipantCreate,
        ParticipantUpdate,
        parent="event",
        filters={
            "category": (ParticipantCategory, "category"),
            "status": (ParticipantStatus, "status"),
            "delegation_id": (int, "delegation_id"),
            "person_id": (int, "person_id"),
        },
        tag="registration",
    ),
    Resource(
        "attendances",
        AttendanceService,
        AttendanceRead,
        AttendanceCreate,
        AttendanceUpdate,
        parent="session",
        filters={"state": (AttendanceState, "state"), "participant_id": (int, "participant_id")},
        tag="registration",
    ),
    Resource(
        "media-items",
        MediaItemService,
        MediaItemRead,
        MediaItemCreate,
        MediaItemUpdate,
        parent="event",
        filters={"session_id": (int, "session_id")},
        tag="publishing",
    ),
    Resource(
        "categories",
        CategoryService,
        CategoryRead,
        CategoryCreate,
        CategoryUpdate,
        tag="publishing",
    ),
    Resource("tags", TagService, TagRead, TagCreate, TagUpdate, tag="publishing"),
    Resource(
        "records",
        RecordService,
        RecordRead,
        RecordCreate,
        RecordUpdate,
        parent="event",
        filters={
            "status": (RecordStatus, "status"),
            "session_id": (int, "session_id"),
            "category_id": (int, "category_id"),
        },
        tag="publishing",
    ),
    Resource(
        "comments",
        CommentService,
        CommentRead,
        None,
        CommentUpdate,
        parent="record",
        filters={"status": (CommentStatus, "status")},
        tag="publishing",
    ),
    Resource(
        "motions",
        MotionService,
        MotionRead,
        MotionCreate,
        MotionUpdate,
        parent="event",
        filters={"session_id": (int, "session_id"), "status": (MotionStatus, "status")},
        tag="decisions",
    ),
    Resource(
        "elections",
        ElectionService,
        ElectionRead,
        ElectionCreate,
        ElectionUpdate,
        parent="event",
        filters={"session_id": (int, "session_id")},
        tag="decisions",
    ),
    Resource(
        "roll-calls",
        RollCallService,
        RollCallRead,
        RollCallCreate,
        parent="session",
        tag="decisions",
    ),
    Resource(
        "headcounts",
        HeadcountService,
        HeadcountRead,
        HeadcountCreate,
        HeadcountUpdate,
        parent="session",
        filters={"category": (HeadcountCategory, "category")},
        tag="decisions",
    ),
    Resource(
        "users",
        UserService,
        UserRead,
        UserCreate,
        UserUpdate,
        filters={"role": (Role, "role")},
        tag="accounts",
    ),
    Resource(
        "audit-entries",
        AuditEntryService,
        AuditEntryRead,
        filters={
            "event_id": (int, "event_id"),
            "entity": (str, "entity"),
            "entity_id": (int, "entity_id"),
            "user_id": (int, "user_id"),
        },
        tag="accounts",
    ),
]


@post(
    "/api/v1/sessions/{session_id:int}/agenda-items/order",
    guards=[roles(*AgendaItemService.write_roles)],
    tags=["programme"],
    status_code=200,
    summary="Reorder a session's agenda",
    security=[{"BearerToken": []}],
)
async def reorder_agenda(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    session_id: Annotated[int, PathParameter(ge=1, le=MAX_ID)],
    data: JSONBody[AgendaOrder],
) -> list[AgendaItemRead]:
    service = AgendaItemService(db_session, current_user(request))
    await get_session(service, session_id)
    items = await service.reorder(session_id, data.item_ids)
    return [AgendaItemRead.model_validate(item) for item in items]


@get("/health", guards=[public], tags=["system"], summary="Liveness and database check")
async def health(db_session: NamedDependency[AsyncSession]) -> dict[str, str]:
    await db_session.execute(text("SELECT 1"))
    return {"status": "ok"}


@get(
    "/api/v1/ping",
    guards=[public],
    tags=["system"],
    summary="A trivial JSON answer (benchmark baseline)",
)
async def ping() -> dict[str, str]:
    return {"pong": "ok"}


def _appearances() -> Any:
    return appearances_of


def _unnamed_counts() -> Any:
    return unnamed_counts


def route_handlers() -> list[HTTPRouteHandler | Router]:
    handlers: list[HTTPRouteHandler | Router] = [health, ping, reorder_agenda, *ops.ROUTES]
    for resource in RESOURCES:
        handlers.extend(api_routes(resource))
    # Each area's pages: its controllers.py exposes ROUTES (a list of handlers/routers).
    for area_routes in AREA_ROUTES:
        handlers.extend(area_routes)
    return handlers


AREA_ROUTES: list[list[Any]] = [
    accounts_pages.ROUTES,
    events_pages.ROUTES,
    programme_pages.ROUTES,
    # The people's pages show where a person appears: read by the areas above people.
    [
        Router(
            "/",
            route_handlers=people_pages.ROUTES,
            dependencies={"appearances": Provide(_appearances, sync_to_thread=False)},
        )
    ],
    publishing_pages.ROUTES,
    publishing_api.ROUTES,
    registration_api.ROUTES,
    checkin_api.ROUTES,
    # The attendance lists count the people counted without names (headcounts, decisions).
    [
        Router(
            "/",
            route_handlers=checkin_pages.ROUTES,
            dependencies={"unnamed_counts": Provide(_unnamed_counts, sync_to_thread=False)},
        )
    ],
    decisions_api.ROUTES,
    decisions_pages.ROUTES,
    registration_pages.ROUTES,
]
