"""Reading PDFs back in tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject


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

    def link_targets(self, index: int) -> list[int]:
        """The page indexes that the links on page ``index`` go to: explicit destinations (the
        links an assembler adds across parts) or named ones (WeasyPrint's own)."""
        reader = self.reader
        pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
        targets = []
        for annotation in reader.pages[index].get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            destination = link.get("/Dest")
            if destination is None and "/A" in link:
                destination = link["/A"].get("/D")
            if isinstance(destination, ArrayObject):
                targets.append(pages[destination[0].idnum])
            elif destination is not None:
                named = reader.named_destinations[str(destination)]
                targets.append(reader.get_destination_page_number(named))
        return targets
