"""Printed documents: one rendering path, Jinja template → HTML → WeasyPrint → PDF.

How an area renders a PDF (badges, attendance lists, the programme, the proceedings)::

    from congress.documents import render_html, render_pdf_async, RenderError

    html = render_html("print/attendance.html", {"doc": ..., "lang": "ru"})
    result = await render_pdf_async(html, stylesheets=("print/base.css", "print/attendance.css"))
    return Response(result.pdf, media_type="application/pdf")

- Templates live under ``templates/print/`` and extend ``print/layout.html``, which sets the
  document language, title and author (they become the PDF metadata), the running header
  (an element with ``class="running-title"`` is moved into the page header) and the localized
  "page N of M" footer. ``print/base.css`` holds page size, margins, fonts (Latin, Cyrillic,
  Chinese) and the table rules (headers repeat when a table breaks across pages); a document
  adds its own stylesheet after it. Stylesheets are named, not linked: the worker loads them.
- Organizer-written HTML goes through the ``|rich`` filter (nh3, via
  ``congress.html.sanitize_html``); plain text such as transcripts through ``|paragraphs``.
  Everything else is autoescaped.
- Images and other resources: write ``/static/…`` or ``/media/…`` URLs. Nothing else is fetched
  (see :mod:`congress.documents.fetcher`); ``data:`` URLs are allowed for generated images.
- ``render_pdf_async`` (request handlers) and ``render_pdf`` (command line, threads) run the
  layout in a worker process: never call WeasyPrint on the event loop. Both raise
  :class:`RenderError` when a render fails; the server keeps serving. ``PdfResult`` carries the
  bytes, the page count and the URLs that were refused. ``variant="pdf/a-3u"`` gives the archival
  PDF/A variant.
"""

from congress.documents.fetcher import ORIGIN, AssetFetcher, RefusedURL
from congress.documents.render import (
    BASE_CSS,
    PdfRequest,
    PdfResult,
    RenderError,
    render_html,
    render_many_async,
    render_pdf,
    render_pdf_async,
    render_pdf_here,
    shutdown_pool,
    submit,
)

__all__ = [
    "BASE_CSS",
    "ORIGIN",
    "AssetFetcher",
    "PdfRequest",
    "PdfResult",
    "RefusedURL",
    "RenderError",
    "render_html",
    "render_many_async",
    "render_pdf",
    "render_pdf_async",
    "render_pdf_here",
    "shutdown_pool",
    "submit",
]
