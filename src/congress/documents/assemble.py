"""A long document laid out in parts on all workers at once, with the page numbers still right.

WeasyPrint lays out one document on one core. A proceedings book splits naturally into chapters
that each start on a new page, so the chapters can be laid out separately and joined. What
crosses the chapter boundaries is handled here:

1. Every part is laid out without page footers. The parts that print page numbers of other
   parts (contents) are laid out with placeholder numbers first, only to learn their length;
   the others report on which of their pages each anchor landed. A numbering part at the very
   end (the index) waits: its length moves no other part.
2. Offsets give every anchor its final page number; the numbering parts are laid out (again)
   with the real numbers (again if that changed their length, which placeholders of the right
   width make rare).
3. The "page N of M" footers are laid out as lines of a few sheets, in chunks on all workers,
   and each line is stamped at the foot of its page of the joined document; the links from the
   contents and the index to other parts become PDF links; outlines (bookmarks) of the parts
   are kept in order; title, author and language are set on the whole.

Joining and stamping run in a worker process as well: the caller only waits.
"""

from __future__ import annotations

import functools
import io
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, as_completed, wait
from dataclasses import dataclass, field
from typing import Any

from congress.documents.labels import ARABIC_FROM_COVER, label_tree
from congress.documents.render import (
    PdfRequest,
    PdfResult,
    pool_held,
    submit,
    submit_call,
    worker_count,
)
from congress.settings import Settings

# progress(done, total, what): called from the waiting thread as steps complete.
Progress = Callable[[int, int, str], None]

PAGE_NUMBERS_TEMPLATE = "print/page_numbers.html"
PX_TO_PT = 0.75
MM_TO_PT = 72 / 25.4
# The page-number sheets: one line per page, cut out and stamped at the foot of its page. Each
# line sits where the shared stylesheet's footer would: centred in its 20 mm bottom margin.
LINES_PER_SHEET = 40
LINE_HEIGHT_MM = 6
SHEET_WIDTH_MM = 120
FOOTER_MIDDLE_MM = 10


@dataclass(slots=True)
class Part:
    """One chapter (or run of chapters) of a document, as template context."""

    context: dict[str, Any]
    anchors: tuple[str, ...] = ()
    # Prints page numbers of anchors elsewhere (contents, index): laid out once they are known.
    numbering: bool = False
    weight: int = 1


@dataclass(slots=True)
class Assembled:
    pdf: bytes
    pages: int
    # anchor -> page number (1-based) in the joined document
    numbers: dict[str, int]
    part_pages: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    author: str
    lang: str


def _placeholders(anchors: Sequence[str], digits: int) -> dict[str, int | str]:
    return dict.fromkeys(anchors, "8" * digits)


def assemble(
    template: str,
    parts: Sequence[Part],
    *,
    metadata: Metadata,
    settings: Settings,
    stylesheets: tuple[str, ...],
    unnumbered_pages: frozenset[int] = frozenset({1}),
    progress: Progress | None = None,
) -> Assembled:
    """Lay out ``parts`` of ``template`` in parallel and join them (blocks; call from a thread)."""
    with pool_held():
        return _assemble(
            template, parts, metadata, settings, stylesheets, unnumbered_pages, progress
        )


def _assemble(
    template: str,
    parts: Sequence[Part],
    metadata: Metadata,
    settings: Settings,
    stylesheets: tuple[str, ...],
    unnumbered_pages: frozenset[int],
    progress: Progress | None,
) -> Assembled:
    all_anchors = tuple(anchor for part in parts for anchor in part.anchors)
    # A numbering part at the very end (an index) moves no other part's pages: it is laid out
    # once, when the numbers are known, and its anchors are where it starts.
    last = len(parts) - 1
    deferred = last if last > 0 and parts[last].numbering else None
    steps = len(parts) + sum(part.numbering for part in parts) + 1 - (deferred is not None)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, steps - 1), steps, what)

    def request(part: Part, numbers: dict[str, Any] | None) -> PdfRequest:
        context = {**part.context, "footer": False, "numbers": numbers}
        return PdfRequest.make(
            None,
            settings,
            template=template,
            context=context,
            stylesheets=stylesheets,
            anchors=part.anchors,
        )

    if progress is not None:
        progress(0, steps, "laying out")
    # Heaviest first, so that the last part to finish is a short one.
    order = sorted(range(len(parts)), key=lambda i: -parts[i].weight)
    digits = 3
    futures: dict[int, Future[PdfResult]] = {
        i: submit(
            request(parts[i], _placeholders(all_anchors, digits) if parts[i].numbering else None)
        )
        for i in order
        if i != deferred
    }
    results: dict[int, PdfResult] = {}
    for i, future in _as_done(futures):
        results[i] = future.result()
        step("laying out")

    numbers: dict[str, int] = {}
    for _ in range(4):
        numbers = _numbers(parts, results)
        if deferred is not None:
            start = sum(results[i].pages for i in range(deferred)) + 1
            numbers.update(dict.fromkeys(parts[deferred].anchors, start))
        renumbered = {
            i: submit(request(part, dict(numbers)))
            for i, part in enumerate(parts)
            if part.numbering
        }
        changed = False
        for i, future in _as_done(renumbered):
            result = future.result()
            changed |= i != deferred and result.pages != results[i].pages
            results[i] = result
            step("numbering")
        if not changed:
            break
    else:  # pragma: no cover - placeholders of the final width make this unreachable
        raise RuntimeError("the page numbers of the document did not settle")

    total = sum(result.pages for result in results.values())
    overlays = _submit_page_numbers(parts[0], settings, total, unnumbered_pages)
    wait([future for _, _, future in overlays])
    sheets = [(start, count, future.result().pdf) for start, count, future in overlays]
    step("joining")
    ordered = [results[i] for i in range(len(parts))]
    offsets = _offsets(ordered)
    links = [
        (offsets[i] + page, numbers[target] - 1, rectangle)
        for i, result in enumerate(ordered)
        for page, target, rectangle in result.outside_links
        if target in numbers
    ]
    pdf = submit_call(
        join_parts,
        [result.pdf for result in ordered],
        sheets,
        links,
        ordered[0].page_size,
        metadata,
    ).result()
    if progress is not None:
        progress(steps, steps, "done")
    return Assembled(pdf, total, numbers, [result.pages for result in ordered])


def _as_done(futures: dict[int, Future[PdfResult]]) -> Iterator[tuple[int, Future[PdfResult]]]:
    """(index, future) pairs as they finish; the first failure cancels the rest and is raised."""
    by_future = {future: i for i, future in futures.items()}
    for future in as_completed(by_future):
        if future.exception() is not None:
            for other in by_future:
                other.cancel()
            future.result()
        yield by_future[future], future


def _offsets(results: Sequence[PdfResult]) -> list[int]:
    offsets, running = [], 0
    for result in results:
        offsets.append(running)
        running += result.pages
    return offsets


def _numbers(parts: Sequence[Part], results: dict[int, PdfResult]) -> dict[str, int]:
    """Page numbers of the anchors of the parts laid out so far (a leading run of parts)."""
    ordered = [results[i] for i in range(len(parts)) if i in results]
    numbers: dict[str, int] = {}
    for offset, result in zip(_offsets(ordered), ordered, strict=True):
        for anchor, page in result.anchor_pages.items():
            numbers.setdefault(anchor, offset + page + 1)
    return numbers


def _submit_page_numbers(
    first: Part, settings: Settings, total: int, unnumbered: frozenset[int]
) -> list[tuple[int, int, Future[PdfResult]]]:
    """The footer lines of all pages as sheets, in about equal runs on all workers:
    (first page number, pages, sheets)."""
    sheets = math.ceil(total / LINES_PER_SHEET)
    chunk = math.ceil(sheets / worker_count()) * LINES_PER_SHEET
    futures = []
    for start in range(1, total + 1, chunk):
        count = min(chunk, total - start + 1)
        context = {
            "lang": first.context["lang"],
            "total": total,
            "start": start,
            "count": count,
            "unnumbered": sorted(unnumbered),
            "lines": LINES_PER_SHEET,
            "width": SHEET_WIDTH_MM,
            "line_height": LINE_HEIGHT_MM,
            "sheet_height": LINES_PER_SHEET * LINE_HEIGHT_MM + 2,
        }
        request = PdfRequest.make(
            None, settings, template=PAGE_NUMBERS_TEMPLATE, context=context, stylesheets=()
        )
        futures.append((start, count, submit(request)))
    return futures


def join_parts(
    parts: list[bytes],
    sheets: list[tuple[int, int, bytes]],
    links: list[tuple[int, int, tuple[float, float, float, float]]],
    page_size: tuple[float, float],
    metadata: Metadata,
) -> bytes:
    """Join the parts' PDFs with their bookmarks and named destinations (the targets of their
    own links), add the links across parts, set the metadata, stamp the page numbers."""
    import pikepdf

    document = pikepdf.Pdf.new()
    bookmarks: list[pikepdf.OutlineItem] = []
    destinations: dict[str, pikepdf.Array] = {}
    for part in parts:
        source = pikepdf.Pdf.open(io.BytesIO(part))
        offset = len(document.pages)
        with warnings.catch_warnings():
            # "does not preserve named destinations": they are copied below.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            document.pages.extend(source.pages)
        index = {page.objgen: offset + i for i, page in enumerate(source.pages)}
        moved = functools.partial(_moved_destination, document, index)
        with source.open_outline() as outline:
            bookmarks.extend(_moved_bookmark(item, moved) for item in outline.root)
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, value in pikepdf.NameTree(names.Dests).items():
                target = moved(value.get("/D") if isinstance(value, pikepdf.Dictionary) else value)
                if target is not None:
                    destinations[name] = target
    if destinations:
        tree = pikepdf.NameTree.new(document)
        for name, target in destinations.items():
            tree[name] = target
        document.Root.Names = pikepdf.Dictionary(Dests=tree.obj)
    with document.open_outline() as outline:
        outline.root.extend(bookmarks)
    height = page_size[1] * PX_TO_PT
    for page_index, target, (x1, y1, x2, y2) in links:
        page = document.pages[page_index]
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT],
            Border=[0, 0, 0],
            Dest=[document.pages[target].obj, pikepdf.Name.Fit],
        )
        if "/Annots" not in page.obj:
            page.obj.Annots = pikepdf.Array()
        page.obj.Annots.append(document.make_indirect(link))
    document.docinfo.Title = metadata.title
    document.docinfo.Author = metadata.author
    document.docinfo.Creator = "congress"
    document.Root.Lang = pikepdf.String(metadata.lang)
    # The stamped numbers count every page from the cover: the viewer shows the same.
    document.Root.PageLabels = label_tree(document, ARABIC_FROM_COVER)
    _stamp_page_numbers(document, sheets)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _moved_destination(document: Any, index: dict[Any, int], destination: Any) -> Any:
    """An explicit destination [page /XYZ left top zoom] of a part, in the joined document
    (``index``: the part's pages to their places there); None if it is not one."""
    import pikepdf

    if not isinstance(destination, pikepdf.Array) or not len(destination):
        return None
    target = index.get(destination[0].objgen)
    if target is None:
        return None
    return pikepdf.Array([document.pages[target].obj, *list(destination)[1:]])


def _moved_bookmark(item: Any, moved: Callable[[Any], Any]) -> Any:
    """A copy of a part's bookmark (and those under it) pointing into the joined document."""
    import pikepdf

    copy = pikepdf.OutlineItem(item.title, moved(item.destination))
    copy.is_closed = item.is_closed
    copy.children.extend(_moved_bookmark(child, moved) for child in item.children)
    return copy


def _stamp_page_numbers(document: Any, sheets: list[tuple[int, int, bytes]]) -> None:
    """Put each page's footer line, taken from its sheet, at the foot of the page (a page left
    unnumbered has an empty line, so nothing to stamp).

    Each line becomes a small form XObject (the sheet's transforms and that line's text, with
    the sheet page's fonts), drawn by a content stream added to the page: the page's own
    content streams are left as they are (merging them would decompress and rewrite them all).
    """
    import pikepdf

    save_state = document.make_indirect(pikepdf.Stream(document, b"q"))
    line = LINE_HEIGHT_MM * MM_TO_PT
    width = SHEET_WIDTH_MM * MM_TO_PT
    for start, count, sheet_pdf in sheets:
        sheet = pikepdf.Pdf.open(io.BytesIO(sheet_pdf))
        for which, sheet_page in enumerate(sheet.pages):
            resources = document.copy_foreign(sheet_page.Resources)
            top = float(sheet_page.mediabox[3])
            for row, content in _footer_lines(sheet_page, line / PX_TO_PT).items():
                number = start + which * LINES_PER_SHEET + row
                if not start <= number < start + count:
                    continue
                if number > len(document.pages):
                    break
                form = pikepdf.Stream(document, content)
                form.Type = pikepdf.Name.XObject
                form.Subtype = pikepdf.Name.Form
                bottom = top - (row + 1) * line  # of the line on its sheet
                form.BBox = pikepdf.Array([0, bottom, width, bottom + line])
                form.Resources = resources
                page = document.pages[number - 1]
                x0, y0, x1, _ = (float(value) for value in page.mediabox)
                # Moves the line from its place on the sheet to the middle of the page's foot.
                dx = x0 + (x1 - x0 - width) / 2
                dy = y0 + FOOTER_MIDDLE_MM * MM_TO_PT - line / 2 - bottom
                name = page.add_resource(form, pikepdf.Name.XObject, prefix="Fpn")
                # The page's own drawing is wrapped in q … Q, so that whatever state it leaves
                # does not move the stamp.
                page.contents_add(save_state, prepend=True)
                stamp = f"Q q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q".encode()
                page.contents_add(pikepdf.Stream(document, stamp))


def _footer_lines(sheet_page: Any, line_px: float) -> dict[int, bytes]:
    """row -> content stream drawing only that line of a page-number sheet.

    WeasyPrint draws the sheet as its page transforms, then per line a clipped group that sets
    the colour and draws one text object; a line's row follows from where its text starts.
    """
    import pikepdf

    setup: list[Any] = []  # the page's transforms, before any line
    state: list[Any] = []  # colour and graphics state of the line being drawn
    text: list[Any] | None = None
    lines: dict[int, bytes] = {}
    for instruction in pikepdf.parse_content_stream(sheet_page):
        operator = str(instruction.operator)
        if text is not None:
            text.append(instruction)
            if operator == "Tm":
                row = int(float(instruction.operands[5]) // line_px)
            elif operator == "ET":
                lines[row] = pikepdf.unparse_content_stream([*setup, *state, *text])
                text, state = None, []
        elif operator == "BT":
            text, row = [instruction], -1
        elif operator == "cm" and not lines and not state:
            setup.append(instruction)
        elif operator in {"gs", "rg", "g", "cs", "sc", "scn"}:
            state.append(instruction)
    return lines
