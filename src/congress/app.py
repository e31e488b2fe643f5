"""The Litestar application factory."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from congress import __version__
from congress.db.engine import make_engine
from congress.documents.render import shutdown_pool
from congress.server.problems import EXCEPTION_HANDLERS
from congress.server.routes import route_handlers
from congress.server.security import StaffAuthenticationMiddleware, public
from congress.server.templating import configure_templates
from congress.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    engine = make_engine(settings)
    alchemy = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Commit on 2xx and on redirects (forms answer with a redirect), roll back otherwise.
        before_send_handler="autocommit_include_redirects",
        create_all=False,
    )
    return Litestar(
        route_handlers=[
            *route_handlers(),
            create_static_files_router(
                path="/static",
                directories=[settings.static_dir],
                guards=[public],
                include_in_schema=False,
            ),
        ],
        plugins=[SQLAlchemyPlugin(config=alchemy)],
        middleware=[DefineMiddleware(StaffAuthenticationMiddleware)],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=TemplateConfig(
            directory=settings.templates_dir,
            engine=JinjaTemplateEngine,
            engine_callback=configure_templates,
        ),
        openapi_config=OpenAPIConfig(
            title="congress API",
            version=__version__,
            path="/schema",
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
        on_shutdown=[shutdown_pool],
        state=State({"engine": engine, "settings": settings}),
        debug=settings.debug,
    )
