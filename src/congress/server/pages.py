"""Route decorators for HTML pages: kept out of the OpenAPI schema, answered as HTML.

Each page still names its guard explicitly (``guards=[...]``).
"""

from __future__ import annotations

from functools import partial

from litestar import MediaType, get, post

page_get = partial(get, include_in_schema=False, media_type=MediaType.HTML)
page_post = partial(post, include_in_schema=False, media_type=MediaType.HTML, status_code=200)
