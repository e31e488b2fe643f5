"""The only way WeasyPrint may load a resource: our static files and media, nothing else.

Every document is rendered with the base URL :data:`ORIGIN`, a host under ``.invalid`` (a name
that can never resolve, RFC 2606), so templates keep writing ``/static/…`` and ``/media/…`` as in
web pages. :class:`AssetFetcher` maps those two prefixes onto folders on disk and refuses the
rest: ``file://``, any other host (``127.0.0.1``, the cloud metadata address, the internet),
paths that climb out of their folder. It never opens a socket, so redirects cannot happen. Only
``data:`` URLs (inline images such as QR codes) are decoded, by urllib's data handler.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from weasyprint.urls import URLFetcher, URLFetcherResponse

ORIGIN = "https://congress.invalid/"
_HOST = urlsplit(ORIGIN).hostname

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A document asked for something outside the allow-list."""


class AssetFetcher(URLFetcher):
    def __init__(self, roots: Mapping[str, Path]) -> None:
        # No handlers are used: fetch() below is the whole implementation.
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
        self.roots = {prefix: Path(folder).resolve() for prefix, folder in roots.items()}
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            response = DataHandler().data_open(Request(url))
            return URLFetcherResponse(
                "data:", response.read(), {"Content-Type": response.headers["Content-Type"]}
            )
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname == _HOST and not parts.port:
            path = self._local_path(unquote(parts.path))
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        log.warning("document resource refused: %s", url[:200])
        raise RefusedURL(f"documents may only use /static/ and /media/ files, not {url[:200]}")

    def _local_path(self, path: str) -> Path | None:
        for prefix, root in self.roots.items():
            if path.startswith(prefix):
                candidate = (root / path.removeprefix(prefix)).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return candidate
        return None
