"""Jinja template → HTML → WeasyPrint PDF, the layout running in worker processes.

Why worker processes: layout is CPU-bound for seconds to minutes, and WeasyPrint does not give
memory back after a render. A process pool keeps the event loop free, lets two documents (or two
parts of one) use two cores, and recycles each worker after a few renders so that a
long-running server does not grow.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup

from congress import translation
from congress.documents.fetcher import ORIGIN, AssetFetcher
from congress.errors import ProblemError
from congress.html import sanitize_html
from congress.messages import gettext_in, ngettext_in, pgettext_in
from congress.settings import Settings, get_settings

T = TypeVar("T")

BASE_CSS = "print/base.css"
# Renders per worker before the pool is replaced: WeasyPrint keeps caches and a fragmented heap.
RENDERS_PER_WORKER = 8


class RenderError(ProblemError):
    """A document could not be rendered (bad template data, a crashed or killed worker).

    Answered as a 500 problem with this message; the server goes on serving.
    """

    status = 500
    title = "The document could not be rendered"


# ---- HTML ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> jinja2.Environment:

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translation.install(env)
    env.filters["rich"] = rich_text
    env.filters["paragraphs"] = paragraphs
    env.filters["css_string"] = css_string
    # A document speaks its own language (a bilingual one, two): every word names it.
    env.globals.update(
        gettext_in=gettext_in,
        ngettext_in=ngettext_in,
        pgettext_in=pgettext_in,
        page_footer_content=page_footer_content,
    )
    return env


def rich_text(html: str | None) -> Markup:
    """Organizer-written HTML, sanitised (nh3) before it reaches the page."""
    return Markup(sanitize_html(html or ""))


def paragraphs(text: str | None) -> Markup:
    """Plain text (a transcript) as escaped paragraphs, split at blank lines."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(block.split("\n")))
        for block in blocks
        if block
    )


def css_string(value: str) -> Markup:
    """A CSS string literal (for `content:` in an inline style)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    escaped = escaped.replace("<", "\\3c ")  # never close the <style> element
    return Markup(f'"{escaped}"')


def page_footer_content(lang: str, total: int | None = None) -> str:
    """The CSS `content` value of the localized "page N of M" footer (M counted unless given)."""
    pattern = gettext_in(lang, "Page %(n)s of %(m)s")
    before, _, rest = pattern.partition("%(n)s")
    middle, _, after = rest.partition("%(m)s")
    pages = css_string(str(total)) if total is not None else "counter(pages)"
    pieces = [css_string(before), "counter(page)", css_string(middle), pages]
    if after:
        pieces.append(css_string(after))
    return " ".join(pieces)


def render_html(
    template: str, context: Mapping[str, Any], *, settings: Settings | None = None
) -> str:
    """The HTML of ``template`` (a path under templates/, e.g. "print/programme.html")."""
    settings = settings or get_settings()
    env = _environment(settings.templates_dir)
    return env.get_template(template).render(**context)


# ---- PDF -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfRequest:
    """Everything a worker needs to render one PDF (picklable).

    Either ``html``, or a ``template`` and its ``context`` (plain values) that the worker turns
    into HTML itself: that keeps the template work off the server process too.
    """

    html: str | None
    templates_dir: Path
    static_dir: Path
    media_dir: Path
    stylesheets: tuple[str, ...] = (BASE_CSS,)
    # A WeasyPrint PDF variant, e.g. "pdf/a-3u" for archiving.
    variant: str | None = None
    # Element ids whose page numbers the caller wants back, e.g. where sections start.
    anchors: tuple[str, ...] = ()
    template: str | None = None
    context: dict[str, Any] | None = None
    # Page labels (congress.documents.labels): runs of (first page index, style, first number).
    page_labels: tuple[tuple[int, str, int], ...] = ()

    @classmethod
    def make(cls, html: str | None, settings: Settings | None = None, **options: Any) -> PdfRequest:
        settings = settings or get_settings()
        return cls(
            html,
            templates_dir=settings.templates_dir,
            static_dir=settings.static_dir,
            media_dir=settings.media_dir,
            **options,
        )


@dataclass(frozen=True, slots=True)
class PdfResult:
    pdf: bytes
    pages: int
    # anchor -> page index (0-based) within this PDF, for the requested anchors found.
    anchor_pages: dict[str, int]
    refused_urls: tuple[str, ...]
    # Links to anchors this PDF does not contain: (page index, anchor, (x1, y1, x2, y2) in CSS
    # px from the top left). An assembler joining parts turns them into PDF links.
    outside_links: tuple[tuple[int, str, tuple[float, float, float, float]], ...] = ()
    # Page size in CSS px (width, height) of the first page.
    page_size: tuple[float, float] = (0.0, 0.0)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector during layout.

    WeasyPrint allocates millions of small objects while laying out; each collection walks all of
    them, so a long document spends a growing share of its time in the collector. Freezing moves
    what exists into the permanent generation; the garbage the render made is collected once,
    after it.
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        gc.collect()


def render_pdf_here(request: PdfRequest, *, pause_collector: bool = True) -> PdfResult:
    """Render in this process (workers call this; so do benchmarks). Blocks for the whole render."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = request.html
    if html is None:
        assert request.template is not None, "a PdfRequest needs html or a template"
        html = (
            _environment(request.templates_dir)
            .get_template(request.template)
            .render(**(request.context or {}))
        )
    fetcher = AssetFetcher({"/static/": request.static_dir, "/media/": request.media_dir})
    # One font configuration for the stylesheets and the document, as WeasyPrint requires.
    fonts = FontConfiguration()
    with collector_paused() if pause_collector else contextlib.nullcontext():
        stylesheets = [
            CSS(
                string=(request.templates_dir / name).read_text(encoding="utf-8"),
                base_url=ORIGIN,
                url_fetcher=fetcher,
                font_config=fonts,
            )
            for name in request.stylesheets
        ]
        document = HTML(string=html, base_url=ORIGIN, url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=fonts
        )
        wanted = set(request.anchors)
        anchor_pages: dict[str, int] = {}
        present: set[str] = set()
        for index, page in enumerate(document.pages):
            present.update(page.anchors)
            for anchor in wanted.intersection(page.anchors):
                anchor_pages.setdefault(anchor, index)
        outside_links = tuple(
            (index, target, tuple(rectangle))
            for index, page in enumerate(document.pages)
            for link_type, target, rectangle, _ in page.links
            if link_type == "internal" and target not in present
        )
        first = document.pages[0] if document.pages else None
        page_size = (first.width, first.height) if first else (0.0, 0.0)
        options: dict[str, Any] = {"font_config": fonts, "uncompressed_pdf": False}
        if request.variant:
            options["pdf_variant"] = request.variant
        pdf = document.write_pdf(**options)
        pages = len(document.pages)
        del document, stylesheets
    if request.page_labels:
        from congress.documents.labels import with_page_labels

        pdf = with_page_labels(pdf, request.page_labels)
    return PdfResult(
        pdf,
        pages,
        anchor_pages,
        tuple(fetcher.refused),
        outside_links,
        page_size,
    )


def _call_in_worker(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    except Exception as exc:
        # Re-raised as our type with a plain message: WeasyPrint's exceptions may not pickle.
        raise RenderError(f"{type(exc).__name__}: {exc}") from None


_pool: ProcessPoolExecutor | None = None
_pool_tasks = 0
_pool_lock = threading.Lock()
# Documents being assembled from several tasks: the pool is not replaced under them (a
# replacement mid-document would start cold workers beside the old ones still at work).
_pool_holders = 0
# The folders of the last document: a replacement pool is prepared with them.
_last_dirs: tuple[Path, Path, Path] | None = None


@contextlib.contextmanager
def pool_held() -> Iterator[None]:
    """Keep the current pool of workers for every task submitted inside (one document).

    When the document is done and the pool has served its share, it is replaced at once and
    the new workers are prepared in the background, so that the next document finds them
    ready instead of starting them on its own time.
    """
    global _pool_holders, _pool_tasks
    with _pool_lock:
        _pool_holders += 1
        # A document counts as one render for each worker, however many parts it has.
        _pool_tasks += worker_count()
    try:
        yield
    finally:
        with _pool_lock:
            _pool_holders -= 1
            due = _retirement_due()
        if due and _last_dirs is not None:
            _prepare_workers(_last_dirs)


def _retirement_due() -> bool:
    return (
        _pool is not None
        and _pool_tasks >= RENDERS_PER_WORKER * worker_count()
        and not _pool_holders
    )


def worker_count() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _get_pool() -> ProcessPoolExecutor:
    """The pool of render workers, replaced by a fresh one after RENDERS_PER_WORKER rounds.

    (Not ``max_tasks_per_child``: in Python 3.11 an executor using it can stop starting
    replacement workers while tasks wait in its queue, and hang.) A retired pool finishes what
    was sent to it and its processes exit, giving their memory back.
    """
    global _pool, _pool_tasks
    with _pool_lock:
        if _retirement_due():
            assert _pool is not None
            _pool.shutdown(wait=False)
            _pool = None
        if _pool is None:
            # spawn: a forked copy of a running server (threads, open connections) is unsafe.
            _pool = ProcessPoolExecutor(
                max_workers=worker_count(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_started,
            )
            _pool_tasks = worker_count() * _pool_holders
        if not _pool_holders:
            _pool_tasks += 1
        return _pool


def _worker_started() -> None:
    # A worker that has laid out documents holds a large heap: tearing it down object by object
    # when it stops takes a second that the command line (or the server's shutdown) waits for.
    # It keeps nothing to save, so once its other exit handlers have run it leaves at once.
    atexit.register(_leave_now)
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux, the render process gets SIGKILL when the process that started it dies (a
    `congress worker` killed mid-render leaves no orphans laying out for nobody)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            os._exit(1)


def _leave_now() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# Text in the faces printed documents use, laid out once by each new worker.
_FONT_SAMPLE = (
    '<p style="font-family: DejaVu Sans">Aa Яя <span lang="zh">中文</span></p>'
    '<p style="font-family: DejaVu Serif">Aa Яя <span lang="zh" style="font-family: '
    "'Noto Serif CJK SC'\">中文</span></p>"
)


def _ready(templates_dir: Path, static_dir: Path, media_dir: Path) -> None:
    """Prepare a new worker: import WeasyPrint and the template helpers, load the fonts.

    Without this, the first document a worker lays out pays for them (about 2 s).
    """
    _environment(templates_dir)
    render_pdf_here(
        PdfRequest(_FONT_SAMPLE, templates_dir, static_dir, media_dir, stylesheets=()),
        pause_collector=False,
    )


def warm_up(settings: Settings | None = None) -> None:
    """Start the workers and prepare them now (seconds), not on the first render."""
    settings = settings or get_settings()
    _prepare_workers((settings.templates_dir, settings.static_dir, settings.media_dir))


def _prepare_workers(dirs: tuple[Path, Path, Path]) -> None:
    """Send each worker a task that prepares it (``dirs``: templates, static and media)."""
    for _ in range(worker_count()):
        submit_call(_ready, *dirs)


def shutdown_pool() -> None:
    """Stop the worker processes (the app calls this on shutdown)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _discard_broken_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def submit(request: PdfRequest) -> Future[PdfResult]:
    """Start rendering in a worker process; the future's exception is always a RenderError."""
    global _last_dirs
    _last_dirs = (request.templates_dir, request.static_dir, request.media_dir)
    return submit_call(render_pdf_here, request)


def submit_call(function: Callable[..., T], *args: Any) -> Future[T]:
    """Run a module-level ``function`` in a worker process (heavy document work besides layout,
    such as joining parts). The future's exception is always a RenderError."""
    pool = _get_pool()
    try:
        inner = pool.submit(_call_in_worker, function, *args)
    except (BrokenProcessPool, RuntimeError):
        _discard_broken_pool(pool)
        pool = _get_pool()
        inner = pool.submit(_call_in_worker, function, *args)
    outer: Future[T] = Future()

    def relay(done: Future[T]) -> None:
        if done.cancelled():
            outer.cancel()
            return
        error = done.exception()
        if error is None:
            outer.set_result(done.result())
        elif isinstance(error, RenderError):
            outer.set_exception(error)
        else:
            if isinstance(error, BrokenProcessPool):
                _discard_broken_pool(pool)
            outer.set_exception(RenderError(f"the render worker failed: {error}"))

    inner.add_done_callback(relay)
    return outer


def render_pdf(html: str, settings: Settings | None = None, **options: Any) -> PdfResult:
    """Render ``html`` in a worker process and wait (command line, threads). Raises RenderError.

    ``options``: ``stylesheets`` (names under templates/), ``variant``, ``anchors``.
    """
    return submit(PdfRequest.make(html, settings, **options)).result()


async def render_pdf_async(
    html: str, settings: Settings | None = None, **options: Any
) -> PdfResult:
    """Render ``html`` in a worker process without blocking the event loop."""
    return await asyncio.wrap_future(submit(PdfRequest.make(html, settings, **options)))


async def render_many_async(requests: Sequence[PdfRequest]) -> list[PdfResult]:
    """Render several documents at once, one per free worker."""
    return list(await asyncio.gather(*(asyncio.wrap_future(submit(r)) for r in requests)))
