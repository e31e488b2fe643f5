"""The API documentation pages under /schema, from our own files (no CDN): Swagger UI from the
swagger-ui-py package, started by a static script so that the page has no inline code and works
under the Content-Security-Policy (congress.server.headers)."""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    OpenAPIRenderPlugin,
    YamlRenderPlugin,
)

ASSETS_PATH = "/static/swagger-ui"


def swagger_ui_dir() -> Path:
    return Path(str(files("swagger_ui") / "static"))


class LocalSwaggerRenderPlugin(OpenAPIRenderPlugin):
    """Not Litestar's SwaggerRenderPlugin: its page and its OAuth2 redirect page have inline
    scripts (blocked by our policy), and we need no OAuth2."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        """The page loads the description from openapi.json (static/js/swagger.js starts it)."""
        title = escape(str(openapi_schema["info"]["title"]))
        config = request.app.openapi_config
        assert config is not None  # this page is one of its render plugins
        spec_url = escape(f"{config.path}/openapi.json")
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png">
  <link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
  <link rel="stylesheet" href="/static/css/swagger.css">
  <script src="{ASSETS_PATH}/swagger-ui-bundle.js" defer></script>
  <script src="{ASSETS_PATH}/swagger-ui-standalone-preset.js" defer></script>
  <script src="/static/js/swagger.js" defer></script>
</head>
<body>
  <div id="swagger-container" data-spec-url="{spec_url}"></div>
</body>
</html>
""".encode()


def render_plugins() -> list[OpenAPIRenderPlugin]:
    return [
        LocalSwaggerRenderPlugin(path=["/", "/swagger"]),
        JsonRenderPlugin(),
        YamlRenderPlugin(),
    ]
