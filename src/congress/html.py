"""Organizer- and editor-written HTML, made safe to show (web pages and printed documents)."""

from __future__ import annotations

import nh3


def sanitize_html(html: str) -> str:
    """Organizer- and editor-written HTML, reduced to safe tags and attributes."""
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")
