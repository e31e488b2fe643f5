"""A long document laid out in parts on all workers at once, with the page numbers still right.

WeasyPrint lays out one document on one core. A proceedings book splits naturally into chapters
that each start on a new page, so the chapters can be laid out separately and joined. What
crosses the chapter boundaries is handled here:

1. Every part is laid out without page footers. The parts that print page numbers of other
   parts (contents, index) are laid out with placeholder numbers first, only to learn their
   length; the others report on which of their pages each anchor landed.
2. Offsets give every anchor its final page number; the numbering parts are laid out again with
   the real numbers (again if that changed their length, which placeholders of the right width
   make rare).
3. The "page N of M" footers are laid out as a separate document of empty pages (cheap), in
   chunks on all workers, and stamped onto the joined pages; the links from the contents and the
   index to other parts become PDF links; outlines (bookmarks) of the parts are kept in order;
   title, author and language are set on the whole.

Joining and stamping run in a worker process as well: the caller only waits.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, as_completed, wait
from dataclasses import dataclass, field
from typing import Any

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
    steps = len(parts) + sum(part.numbering for part in parts) + worker_count() + 1
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
    }
    results: dict[int, PdfResult] = {}
    for i, future in _as_done(futures):
        results[i] = future.result()
        step("laying out")

    numbers: dict[str, int] = {}
    for _ in range(4):
        numbers = _numbers(parts, results)
        total = sum(result.pages for result in results.values())
        overlays = _submit_page_numbers(parts[0], settings, total, unnumbered_pages)
        renumbered = {
            i: submit(request(part, dict(numbers)))
            for i, part in enumerate(parts)
            if part.numbering
        }
        changed = False
        for i, future in _as_done(renumbered):
            result = future.result()
            changed |= result.pages != results[i].pages
            results[i] = result
            step("numbering")
        if not changed:
            break
        for future in overlays:
            future.cancel()
    else:  # pragma: no cover - placeholders of the final width make this unreachable
        raise RuntimeError("the page numbers of the document did not settle")

    wait(overlays)
    overlay_pdfs = [future.result().pdf for future in overlays]
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
        overlay_pdfs,
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
    ordered = [results[i] for i in range(len(parts))]
    numbers: dict[str, int] = {}
    for offset, result in zip(_offsets(ordered), ordered, strict=True):
        for anchor, page in result.anchor_pages.items():
            numbers.setdefault(anchor, offset + page + 1)
    return numbers


def _submit_page_numbers(
    first: Part, settings: Settings, total: int, unnumbered: frozenset[int]
) -> list[Future[PdfResult]]:
    chunk = math.ceil(total / worker_count())
    futures = []
    for start in range(1, total + 1, chunk):
        context = {
            "lang": first.context["lang"],
            "total": total,
            "start": start,
            "count": min(chunk, total - start + 1),
            "unnumbered": sorted(unnumbered),
        }
        futures.append(
            submit(
                PdfRequest.make(
                    None,
                    settings,
                    template=PAGE_NUMBERS_TEMPLATE,
                    context=context,
                    stylesheets=("print/base.css",),
                )
            )
        )
    return futures


def join_parts(
    parts: list[bytes],
    overlays: list[bytes],
    links: list[tuple[int, int, tuple[float, float, float, float]]],
    page_size: tuple[float, float],
    metadata: Metadata,
) -> bytes:
    """Join the parts' PDFs, stamp the page numbers, add the links across parts, set metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)), import_outline=True)
    stamps = [page for overlay in overlays for page in PdfReader(io.BytesIO(overlay)).pages]
    for page, stamp in zip(writer.pages, stamps, strict=True):
        page.merge_page(stamp, over=True)
        # Merging leaves the page's content uncompressed (ten times the size).
        page.compress_content_streams()
    height = page_size[1] * PX_TO_PT
    for page_index, target, (x1, y1, x2, y2) in links:
        writer.add_annotation(
            page_index,
            Link(
                rect=(x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT),
                target_page_index=target,
            ),
        )
    writer.add_metadata(
        {"/Title": metadata.title, "/Author": metadata.author, "/Creator": "congress"}
    )
    writer.root_object[NameObject("/Lang")] = TextStringObject(metadata.lang)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
