"""The JSON API of one entity, built from a declaration (no hand-copied controllers).

A :class:`Resource` names the entity's service, its schemas, the collection it sits in and the
query filters it offers. :func:`api_routes` turns it into list/create/get/update/delete route
handlers with real signatures, so that validation, OpenAPI and guards work as for handwritten
handlers.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from litestar import Litestar, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.routes import HTTPRoute
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.common import MAX_ID, MAX_INT, Page
from congress.domain.crud import EntityService
from congress.domain.events.services import EventService
from congress.domain.programme.services import get_session
from congress.server.problems import PROBLEM_JSON, TITLES, Problem
from congress.server.security import current_user, public, roles, staff

Parent = Literal["event", "session", "record"]
PARENT_PATHS: dict[str, tuple[str, str, type]] = {
    # parent -> (path parameter, path prefix, path parameter type)
    "event": ("event", "/api/v1/events/{event:str}", str),
    "session": ("session_id", "/api/v1/sessions/{session_id:int}", int),
    "record": ("record_id", "/api/v1/records/{record_id:int}", int),
}


@dataclass(frozen=True)
class Resource:
    path: str
    service: type[EntityService[Any]]
    read: type[BaseModel]
    create: type[BaseModel] | None = None
    update: type[BaseModel] | None = None
    parent: Parent | None = None
    # query parameter -> (type, model attribute) for equality filters
    filters: Mapping[str, tuple[type, str]] = field(default_factory=dict)
    tag: str = ""
    description: str = ""
    # Items addressed as /{path}/{event} by id or slug (the service has ``resolve``).
    by_slug: bool = False

    @property
    def collection(self) -> str:
        if self.parent is None:
            return f"/api/v1/{self.path}"
        return f"{PARENT_PATHS[self.parent][1]}/{self.path}"

    @property
    def item(self) -> str:
        if self.by_slug:
            return f"/api/v1/{self.path}/{{event:str}}"
        return f"/api/v1/{self.path}/{{item_id:int}}"


def _signature(fn: Callable[..., Any], params: list[inspect.Parameter], returns: Any) -> None:
    fn.__signature__ = inspect.Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
    fn.__annotations__ = {p.name: p.annotation for p in params} | {"return": returns}


def _param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


COMMON = [
    _param("db_session", NamedDependency[AsyncSession]),
    _param("request", Request),
]


def bounds(kind: type) -> dict[str, Any]:
    """Integers in paths and queries are ids: keep them in the database's range."""
    return {"ge": 1, "le": MAX_ID} if kind is int else {}


def path_type(kind: type) -> Any:
    return Annotated[kind, PathParameter(**bounds(kind))]


def body_of(schema: type[BaseModel]) -> Any:
    return JSONBody[schema]  # type: ignore[misc,valid-type]


def read_out(resource: Resource, service: EntityService[Any], instance: Any) -> BaseModel:
    out = resource.read.model_validate(instance)
    if not service.is_staff and service.private_fields:
        out = out.model_copy(update=dict.fromkeys(service.private_fields))
    return out


async def parent_values(
    resource: Resource, service: EntityService[Any], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """Check that the parent in the path exists (and may be seen) and give its key."""
    if resource.parent == "event":
        event_service = EventService(service.db, service.user)
        event = await event_service.resolve(kwargs["event"])
        return {"event_id": event.id}
    if resource.parent == "session":
        session = await get_session(service, kwargs["session_id"])
        return {"session_id": session.id}
    if resource.parent == "record":
        from congress.domain.publishing.services import RecordService

        record = await RecordService(service.db, service.user).get(kwargs["record_id"])
        return {"record_id": record.id}
    return {}


def api_routes(resource: Resource) -> list[HTTPRouteHandler]:
    """The route handlers of one resource. Public reads see only published data (services)."""
    tags = [resource.tag or resource.path]
    parent_params: list[inspect.Parameter] = []
    if resource.parent is not None:
        name, _, kind = PARENT_PATHS[resource.parent]
        parent_params = [_param(name, path_type(kind))]
    item_param = (
        [_param("event", path_type(str))]
        if resource.by_slug
        else [_param("item_id", path_type(int))]
    )
    read_guard = (
        roles(*resource.service.read_roles)
        if resource.service.read_roles is not None
        else staff
        if resource.service.staff_only_read
        else public
    )
    guard_write = roles(*resource.service.write_roles)

    def service_for(kwargs: dict[str, Any]) -> EntityService[Any]:
        return resource.service(kwargs["db_session"], current_user(kwargs["request"]))

    async def item_id(service: EntityService[Any], kwargs: dict[str, Any]) -> int:
        if resource.by_slug:
            return int((await service.resolve(kwargs["event"])).id)  # type: ignore[attr-defined]
        return int(kwargs["item_id"])

    handlers: list[HTTPRouteHandler] = []

    # ---- list ----
    async def list_items(**kwargs: Any) -> Any:
        service = service_for(kwargs)
        service.require_read()
        scope = await parent_values(resource, service, kwargs)
        where = [service.scope(key, value) for key, value in scope.items()]
        for query_name, (_, attribute) in resource.filters.items():
            if kwargs.get(f"filter_{query_name}") is not None:
                where.append(service.scope(attribute, kwargs[f"filter_{query_name}"]))
        items, total = await service.list(where, limit=kwargs["limit"], offset=kwargs["offset"])
        return Page[resource.read](  # type: ignore[name-defined]
            items=[read_out(resource, service, item) for item in items],
            total=total,
            limit=kwargs["limit"],
            offset=kwargs["offset"],
        )

    filter_params = [
        # Prefixed: some names (state, request) are reserved by Litestar.
        _param(
            f"filter_{name}",
            Annotated[kind | None, QueryParameter(name=name, required=False, **bounds(kind))],
            None,
        )
        for name, (kind, _) in resource.filters.items()
    ]
    _signature(
        list_items,
        [
            *COMMON,
            *parent_params,
            _param(
                "limit", Annotated[int, QueryParameter(ge=1, le=500, description="Page size")], 50
            ),
            _param(
                "offset",
                Annotated[int, QueryParameter(ge=0, le=MAX_INT, description="Items to skip")],
                0,
            ),
            *filter_params,
        ],
        Page[resource.read],  # type: ignore[name-defined]
    )
    list_items.__name__ = f"list_{resource.path.replace('-', '_')}"
    handlers.append(
        get(
            resource.collection,
            guards=[read_guard],
            tags=tags,
            summary=f"List {resource.path}",
            description=resource.description or None,
            operation_id=list_items.__name__,
        )(list_items)
    )

    # ---- get ----
    async def get_item(**kwargs: Any) -> Any:
        service = service_for(kwargs)
        return read_out(resource, service, await service.get(await item_id(service, kwargs)))

    _signature(get_item, [*COMMON, *item_param], resource.read)
    get_item.__name__ = f"get_{resource.path.replace('-', '_')}"
    handlers.append(
        get(
            resource.item,
            guards=[read_guard],
            tags=tags,
            summary=f"Get one of {resource.path}",
            operation_id=get_item.__name__,
        )(get_item)
    )

    if resource.create is not None:

        async def create_item(**kwargs: Any) -> Any:
            service = service_for(kwargs)
            service.require_write()
            values = kwargs["data"].model_dump(exclude_unset=False)
            values.update(await parent_values(resource, service, kwargs))
            return read_out(resource, service, await service.create(values))

        _signature(
            create_item,
            [*COMMON, *parent_params, _param("data", body_of(resource.create))],
            resource.read,
        )
        create_item.__name__ = f"create_{resource.path.replace('-', '_')}"
        handlers.append(
            post(
                resource.collection,
                guards=[guard_write],
                tags=tags,
                status_code=201,
                summary=f"Create in {resource.path}",
                operation_id=create_item.__name__,
                security=[{"BearerToken": []}],
            )(create_item)
        )

    if resource.update is not None:

        async def update_item(**kwargs: Any) -> Any:
            service = service_for(kwargs)
            values = kwargs["data"].model_dump(exclude_unset=True)
            return read_out(
                resource, service, await service.update(await item_id(service, kwargs), values)
            )

        _signature(
            update_item,
            [*COMMON, *item_param, _param("data", body_of(resource.update))],
            resource.read,
        )
        update_item.__name__ = f"update_{resource.path.replace('-', '_')}"
        handlers.append(
            patch(
                resource.item,
                guards=[guard_write],
                tags=tags,
                summary=f"Update one of {resource.path}",
                operation_id=update_item.__name__,
                security=[{"BearerToken": []}],
            )(update_item)
        )

        async def delete_item(**kwargs: Any) -> None:
            service = service_for(kwargs)
            await service.delete(await item_id(service, kwargs))

        _signature(delete_item, [*COMMON, *item_param], None)
        delete_item.__name__ = f"delete_{resource.path.replace('-', '_')}"
        handlers.append(
            delete(
                resource.item,
                guards=[guard_write],
                tags=tags,
                status_code=204,
                summary=f"Delete one of {resource.path}",
                operation_id=delete_item.__name__,
                security=[{"BearerToken": []}],
            )(delete_item)
        )

    return handlers


# What each error answer means, for the readers of the OpenAPI document.
ERROR_MEANINGS = {
    400: "A query or path parameter is not valid (see `errors`)",
    401: "No valid API token: send `Authorization: Bearer <token>`",
    403: "The token's user does not have a role this operation needs",
    404: "Not found, or not visible to this caller (drafts are hidden from the public)",
    409: "Conflicts with the data as it is (a duplicate, or rows that depend on it)",
    422: "The data is not valid (see `errors`, one per field)",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def error_statuses(path: str, methods: set[str], guarded: bool, reads_input: bool) -> list[int]:
    """The error answers an operation can give: 400 for its parameters, 401/403 when guarded,
    404 when it names something, 409 for writes, 422 for what it reads."""
    statuses = []
    if "{" in path or reads_input:
        statuses.append(400)
    if guarded:
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if methods & WRITES:
        statuses.append(409)
    if methods & (WRITES - {"DELETE"}) or (methods & WRITES and reads_input):
        statuses.append(422)
    return statuses


def document_errors(app: Litestar) -> None:
    """Declare in the OpenAPI document the error answers of every operation (problem+json)
    and the bearer token of every guarded one: the generator only knows 2xx and 400."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
            guarded = any(guard is not public for guard in guards)
            dependencies = {"request", "state", "scope", *handler.resolve_dependencies()}
            reads_input = bool(handler.parsed_fn_signature.parameters.keys() - dependencies)
            statuses = error_statuses(route.path, set(handler.http_methods), guarded, reads_input)
            documented = {
                status: ResponseSpec(
                    data_container=Problem,
                    media_type=PROBLEM_JSON,
                    description=f"{TITLES[status]}: {ERROR_MEANINGS[status]}",
                    generate_examples=False,
                )
                for status in statuses
            }
            handler.responses = {**documented, **(handler.responses or {})}
            if guarded and not handler.security:
                handler.security = [{"BearerToken": []}]
