"""Reading PDFs back in tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def squash(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines and joins CJK characters freely."""
    return re.sub(r"\s+", "", text).replace("\u00ad", "").replace("-", "")


class Pdf:
    def __init__(self, data: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(data))
        self.pages = [page.extract_text() or "" for page in self.reader.pages]
        self.squashed = [squash(text) for text in self.pages]
        self.all = squash("".join(self.pages))

    def outline_titles(self) -> list[str]:
        titles: list[str] = []

        def walk(items: list) -> None:  # type: ignore[type-arg]
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    titles.append(item.title)

        walk(self.reader.outline)
        return titles

    def contains(self, text: str) -> bool:
        return squash(text) in self.all
