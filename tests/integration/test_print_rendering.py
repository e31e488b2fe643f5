"""The rendering path: what WeasyPrint may fetch, sanitising, metadata, failures, the collector."""

from __future__ import annotations

import gc
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from congress.documents import PdfRequest, RenderError, render_html, render_pdf, render_pdf_here
from congress.documents.render import rich_text
from congress.settings import Settings


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = _png_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def local_server() -> Iterator[str]:
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def print_settings(tmp_path: Path) -> Settings:
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "logo.png").write_bytes(_png_bytes())
    (tmp_path / "data" / "media").mkdir(parents=True)
    return Settings(data_dir=tmp_path / "data", static_dir=static, secret_key="x")


def _page(body: str, lang: str = "en") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>T</title>'
        f"</head><body>{body}</body></html>"
    )


def _images(pdf: bytes) -> int:
    return len({image.data for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images})


def test_only_static_and_media_files_are_fetched(
    print_settings: Settings, local_server: str
) -> None:
    hostile = [
        "file:///etc/passwd",
        f"{local_server}/secret.png",
        f"{local_server}/redirect",
        "http://169.254.169.254/latest/meta-data/",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/etc/passwd",
    ]
    body = "".join(f'<img src="{url}">' for url in hostile)
    body += f'<div style="background: url({local_server}/bg.png)">x</div>'
    body += f'<link rel="stylesheet" href="{local_server}/evil.css">'
    result = render_pdf_here(PdfRequest.make(_page(body), print_settings))
    assert _Recorder.hits == []
    assert _images(result.pdf) == 0
    assert b"root:" not in result.pdf
    assert len(result.refused_urls) >= len(hostile)

    # The same document with one of our static files: that one is embedded.
    allowed = render_pdf_here(
        PdfRequest.make(_page(body + '<img src="/static/img/logo.png">'), print_settings)
    )
    assert _images(allowed.pdf) == 1
    assert _Recorder.hits == []


def test_organizer_html_is_sanitised_before_the_template() -> None:
    cleaned = str(
        rich_text(
            '<p onclick="x()">Hi <script>alert(1)</script><img src="file:///etc/passwd">'
            '<a href="javascript:alert(1)">l</a></p>'
        )
    )
    assert "script" not in cleaned
    assert "onclick" not in cleaned
    assert "file:" not in cleaned
    assert "javascript:" not in cleaned
    assert cleaned.startswith("<p>Hi")


def test_layout_sets_language_title_author_and_footer(print_settings: Settings) -> None:
    html = render_html(
        "print/layout.html",
        {"lang": "ru", "title": "Материалы конгресса", "author": "Оргкомитет"},
        settings=print_settings,
    )
    html = html.replace("</body>", "<p>Текст 中文 text</p></body>")
    result = render_pdf(html, print_settings)
    reader = PdfReader(io.BytesIO(result.pdf))
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    assert reader.metadata is not None
    assert reader.metadata.title == "Материалы конгресса"
    assert reader.metadata.author == "Оргкомитет"
    text = reader.pages[0].extract_text()
    assert "Текст 中文 text" in text
    assert "Страница 1 из 1" in text


def test_a_failed_render_is_a_render_error_and_the_pool_goes_on(
    print_settings: Settings,
) -> None:
    with pytest.raises(RenderError, match="pdf/no-such"):
        render_pdf(_page("<p>x</p>"), print_settings, variant="pdf/no-such")
    assert render_pdf(_page("<p>still working</p>"), print_settings).pages == 1


def test_the_collector_is_back_on_after_a_render(print_settings: Settings) -> None:
    assert gc.isenabled()
    render_pdf_here(PdfRequest.make(_page("<p>x</p>"), print_settings))
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_pool_is_kept_while_a_document_holds_it() -> None:
    """Workers are replaced after a number of renders, never under a document assembled from
    several tasks (cold workers would start beside the old ones); such a document counts as
    one render per worker, and when it ends the due replacement starts at once, so that the
    next document finds its workers ready."""
    import os

    from congress.documents import render

    render.shutdown_pool()
    try:
        for number in range(render.RENDERS_PER_WORKER):
            with render.pool_held():
                render.submit(render.PdfRequest.make("<p>x</p>")).result()
                for _ in range(render.RENDERS_PER_WORKER * render.worker_count()):
                    render.submit_call(os.getpid).result()
                if number == 0:
                    first = render._pool
                assert render._pool is first
        replacement = render._pool
        assert replacement is not None and replacement is not first
        render.submit_call(os.getpid).result()
        assert render._pool is replacement
    finally:
        render.shutdown_pool()
