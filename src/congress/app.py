"""The Litestar application factory."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar, Request, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from litestar.template import TemplateConfig

from congress import __version__
from congress.db.engine import make_engine
from congress.documents.jobs import PrintJobs, make_queue
from congress.documents.render import shutdown_pool
from congress.domain.accounts.models import StaffSession
from congress.domain.accounts.services import active_user, cached_user_for_token
from congress.domain.checkin.batch import CheckInBatcher
from congress.domain.publishing.jobs import CacheWarmer
from congress.errors import NotAuthenticated, ProblemError
from congress.server.apidocs import ASSETS_PATH as APIDOCS_ASSETS
from congress.server.apidocs import render_plugins, swagger_ui_dir
from congress.server.headers import add_security_headers, add_vary_accept_language
from congress.server.problems import EXCEPTION_HANDLERS
from congress.server.query import empty_means_absent
from congress.server.security import (
    NO_SESSION_PATHS,
    StaffAuthenticationMiddleware,
    commit_before_session_save,
    on_not_authenticated,
    public,
    session_middleware,
)
from congress.settings import Settings, get_settings
from congress.web.api import document_errors
from congress.web.jobs import JOB_FUNCTIONS
from congress.web.ops import RequestMetrics
from congress.web.routes import route_handlers
from congress.web.templates import configure_templates

FORMS = (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART)


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> None:
    """A NUL character (%00) in the path, the query string or a form field is bad input:
    PostgreSQL cannot even compare text with it (a search would fail with a server error).
    JSON bodies are checked by the schemas, uploaded files by their importers."""
    if "\x00" in request.scope["path"]:
        raise ProblemError("the address must not contain %00 (NUL)")
    fields = list(request.query_params.multi_items())
    if request.content_type[0] in FORMS:
        fields += [
            (name, value)
            for name, value in (await request.form()).multi_items()
            if isinstance(value, str)
        ]
    for name, value in fields:
        if "\x00" in name or "\x00" in value:
            raise ProblemError.field(name.replace("\x00", ""), "must not contain %00 (NUL)")


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    engine = make_engine(settings)
    # Check-ins get a small pool of their own without a ping before each use: a batch that meets
    # a dead connection fails and is retried scan by scan on a fresh one.
    check_ins = (
        CheckInBatcher(engine)
        if settings.is_sqlite
        else CheckInBatcher(
            make_engine(settings, pool_pre_ping=False, pool_size=2, max_overflow=4),
            owns_engine=True,
        )
    )
    alchemy = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Commit on 2xx and on redirects (forms answer with a redirect), roll back otherwise.
        before_send_handler="autocommit_include_redirects",
        create_all=False,
    )
    # Renders and other slow work: in this process, or on the queue for `congress worker`.
    queue = make_queue(settings)
    print_jobs = PrintJobs(settings, engine, JOB_FUNCTIONS, queue)
    template_config = TemplateConfig(
        directory=settings.templates_dir,
        engine=JinjaTemplateEngine,
        engine_callback=configure_templates,
    )
    app = Litestar(
        route_handlers=[
            *route_handlers(),
            create_static_files_router(
                path="/static",
                directories=[settings.static_dir],
                guards=[public],
                include_in_schema=False,
            ),
            create_static_files_router(
                path=APIDOCS_ASSETS,
                directories=[swagger_ui_dir()],
                guards=[public],
                include_in_schema=False,
            ),
        ],
        plugins=[
            SQLAlchemyPlugin(config=alchemy),
            HTMXPlugin(),
            FlashPlugin(config=FlashConfig(template_config=template_config)),
            # Re-makes the cached public pages and open formats after each change.
            CacheWarmer(),
        ],
        # Outermost first: the session is loaded before authentication reads it.
        middleware=[
            RequestMetrics,
            # Before anything reads the query: an empty "all" choice is no choice.
            empty_means_absent,
            session_middleware(settings, alchemy, StaffSession),
            commit_before_session_save(alchemy),
            DefineMiddleware(
                StaffAuthenticationMiddleware,
                exclude=NO_SESSION_PATHS,
                by_token=cached_user_for_token,
                by_id=active_user,
            ),
        ],
        # Every form is checked; the API takes Bearer tokens only, which browsers never send
        # by themselves, so it needs no CSRF token.
        csrf_config=CSRFConfig(
            secret=settings.resolved_secret(),
            cookie_name="congress_csrf",
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_secure=settings.secure_cookies,
            exclude=["^/api/"],
        ),
        stores=_stores(settings),
        before_request=refuse_nul_characters,
        before_send=[add_security_headers, add_vary_accept_language],
        exception_handlers={**EXCEPTION_HANDLERS, NotAuthenticated: on_not_authenticated},
        template_config=template_config,
        openapi_config=OpenAPIConfig(
            title="congress API",
            version=__version__,
            path="/schema",
            render_plugins=render_plugins(),
            # The API description is public, like the API's public reads.
            openapi_router=Router(
                "/schema", route_handlers=[], guards=[public], include_in_schema=False
            ),
            description="Plan, register, check in, print and publish congresses. "
            "Writes need `Authorization: Bearer <token>` (`congress token create`).",
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http", scheme="bearer", description="Staff API token"
                    )
                }
            ),
        ),
        # Render workers (congress.documents) are started on first use and stopped here.
        on_startup=[print_jobs.connect],
        on_shutdown=[print_jobs.close, shutdown_pool, check_ins.close],
        state=State(
            {
                "engine": engine,
                "settings": settings,
                "check_ins": check_ins,
                "print_jobs": print_jobs,
            }
        ),
        debug=settings.debug,
        **_logging(settings),
    )
    document_errors(app)
    return app


def _logging(settings: Settings) -> dict[str, Any]:
    """JSON logs (congress.logs, set up by `congress serve`) keep their own handler."""
    return {"logging_config": None} if settings.log_format == "json" else {}


def _stores(settings: Settings) -> StoreRegistry:
    """Sessions and login throttling: in Redis when configured, else sessions in the database
    (see security.session_middleware) and the throttle in memory."""
    if settings.redis_url:
        root = RedisStore.with_client(url=settings.redis_url, namespace="congress")
        return StoreRegistry(default_factory=root.with_namespace)
    return StoreRegistry(default_factory=lambda _name: MemoryStore())
