"""PDF page labels (/PageLabels): the page numbers a reader's viewer shows, matching the
numbers printed on the pages.

A document's labels are runs ``(first page index, style, first number)``: style "D" arabic,
"r" lower-case roman, "" none (the page shows no number; the label is then ``prefix``).
Our books number every page from the cover on ("Page 3 of 24" is the third sheet), the cover
printing no number: one arabic run from 1 (:data:`ARABIC_FROM_COVER`). A document with roman
front matter gives two runs, e.g. ``((0, "r", 1), (4, "D", 1))``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

LabelRun = tuple[int, str, int]
ARABIC_FROM_COVER: tuple[LabelRun, ...] = ((0, "D", 1),)


def label_tree(pdf: Any, runs: Sequence[LabelRun]) -> Any:
    """The /PageLabels number tree of ``runs`` for the pikepdf document ``pdf``."""
    import pikepdf

    nums: list[Any] = []
    for start, style, first in runs:
        entry = pikepdf.Dictionary(Type=pikepdf.Name.PageLabel)
        if style:
            entry.S = pikepdf.Name("/" + style)
        if first != 1:
            entry.St = first
        nums.extend([start, entry])
    return pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))


def with_page_labels(data: bytes, runs: Sequence[LabelRun]) -> bytes:
    """``data`` (a PDF) with page labels; everything else (PDF/A metadata, output intent,
    fonts) kept as it is."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root.PageLabels = label_tree(pdf, runs)
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()
