"""Publishing's routes: the public site and its open formats, the printed programme and
proceedings, and the editors' desk."""

from __future__ import annotations

from typing import Any

from congress.domain.publishing.controllers import _desk, _print, _site

ROUTES: list[Any] = [*_site.ROUTES, *_desk.ROUTES, *_print.ROUTES]
