"""Two `congress serve` processes and `congress worker`s as real processes, on PostgreSQL,
Redis and a local S3 server (moto), each process with a data folder of its own: what one web
process stores, the other serves; PDFs are made by the worker, never by a web process; a
worker killed in the middle of a render is replaced and the job finishes once."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from congress.domain.accounts.enums import Role
from congress.settings import Settings
from tests.conftest import IS_POSTGRES
from tests.s3 import S3Server, presigned_refusal, s3_server

pytestmark = [
    pytest.mark.scale,
    pytest.mark.postgres_only,
    pytest.mark.skipif(not IS_POSTGRES, reason="several processes share PostgreSQL"),
]
CONGRESS = Path(sys.executable).with_name("congress")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Role_:
    def __init__(self, process: subprocess.Popen[bytes], log: Path, base: str = "") -> None:
        self.process, self.log, self.base = process, log, base

    def children(self) -> list[int]:
        return _children(self.process.pid)


def _command(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []


@contextmanager
def started(args: list[str], env: dict[str, str], log: Path, wait_for: str = "") -> Iterator[Role_]:
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(CONGRESS), *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    role = Role_(process, log, wait_for)
    try:
        if wait_for:
            deadline = time.monotonic() + 90
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    if httpx.get(f"{wait_for}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield role
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _env(settings: Settings, s3: S3Server, data_dir: Path, queue: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")},
        **s3.env("site"),
        "CONGRESS_DATABASE_URL": settings.db_url,
        "CONGRESS_DATA_DIR": str(data_dir),
        "CONGRESS_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CONGRESS_JOBS": "queue",
        "CONGRESS_QUEUE_NAME": queue,
        "CONGRESS_SECRET_KEY": "scale-test-secret",
        "CONGRESS_LOG_FORMAT": "json",
    }


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(check: Any, seconds: float, what: Any) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, (
            f"waited {seconds} s for {what() if callable(what) else what}"
        )
        time.sleep(0.05)


def test_two_servers_and_workers_share_storage_and_jobs(
    settings: Settings, demo_slug: str, tokens: dict[Role, dict[str, str]], tmp_path: Path
) -> None:
    queue = f"congress-scale-{uuid.uuid4().hex[:8]}"
    admin = tokens[Role.ADMIN]
    with ExitStack() as stack:
        s3 = stack.enter_context(s3_server(tmp_path / "moto.log"))
        port_a, port_b = _free_port(), _free_port()
        env = {name: _env(settings, s3, tmp_path / name, queue) for name in ("a", "b", "w1", "w2")}
        # B: two processes on one port, sending browsers to the store for photos.
        env["b"]["CONGRESS_STORAGE_SIGNED_URLS"] = "60"
        a = stack.enter_context(
            started(["serve", "--port", str(port_a)], env["a"], tmp_path / "a.log",
                    f"http://127.0.0.1:{port_a}")
        )  # fmt: skip
        b = stack.enter_context(
            started(["serve", "--port", str(port_b), "--workers", "2"], env["b"], tmp_path / "b.log",
                    f"http://127.0.0.1:{port_b}")
        )  # fmt: skip
        # Without a worker, a web process is alive but not ready: nobody would render.
        waiting = httpx.get(f"{a.base}/ready", timeout=10)
        assert waiting.status_code == 503
        assert waiting.json()["checks"]["worker"].startswith("failed")
        assert {
            waiting.json()["checks"][name]
            for name in ("database", "migrations", "storage", "redis")
        } == {"ok"}
        w1 = stack.enter_context(
            started(["worker", "--concurrency", "2"], env["w1"], tmp_path / "w1.log")
        )
        # A worker says it is alive every 5 s once started (slow to start on a busy machine).
        _wait(
            lambda: httpx.get(f"{b.base}/ready", timeout=10).status_code == 200,
            120,
            lambda: f"ready; the worker's log: {w1.log.read_text()[-3000:]}",
        )

        # A photo uploaded through A is served by B, from the object store.
        photo = io.BytesIO()
        Image.new("RGB", (800, 600), (200, 30, 40)).save(photo, "PNG")
        with httpx.Client(base_url=a.base, headers=admin, timeout=120) as client:
            client.get("/login")
            uploaded = client.post(
                f"/manage/events/{demo_slug}/photos",
                files={"file": ("hall.png", photo.getvalue(), "image/png")},
                data={"credit": "Scale test"},
                headers={"accept": "text/html", "x-csrftoken": client.cookies["congress_csrf"]},
                follow_redirects=False,
            )
        assert uploaded.status_code == 303, uploaded.text
        items = httpx.get(f"{b.base}/api/v1/events/{demo_slug}/media-items", headers=admin).json()
        key = next(item["storage_key"] for item in items["items"] if item["credit"] == "Scale test")
        # A serves the bytes itself; B redirects to a signed address of the store.
        served = httpx.get(f"{a.base}/media/{key}")
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(served.content)).size == (800, 600)
        redirect = httpx.get(f"{b.base}/media/{key}")
        assert (
            redirect.status_code == 302 and presigned_refusal(redirect.headers["location"]) is None
        )
        signed = httpx.get(redirect.headers["location"])
        assert signed.headers["content-type"] == "image/jpeg" and signed.content == served.content
        thumb = httpx.get(f"{b.base}/media/thumbs/{key}", follow_redirects=True)
        assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).size == (640, 480)
        assert f"site/media/{key}" in s3.objects() and f"site/media/thumbs/{key}" in s3.objects()
        assert not [path for name in ("a", "b") for path in (tmp_path / name).rglob("*.jpg")]

        # The programme booklet asked of A is made by the worker and served by B.
        booklet = httpx.get(f"{a.base}/events/{demo_slug}/programme.pdf", timeout=150)
        assert booklet.status_code == 200 and booklet.content.startswith(b"%PDF")
        again = httpx.get(f"{b.base}/events/{demo_slug}/programme.pdf", timeout=30)
        assert again.content == booklet.content

        # Proceedings asked of B; the worker is killed in the middle of the render.
        status = f"/events/{demo_slug}/proceedings/status"
        rid = f"scale{uuid.uuid4().hex}"
        first = httpx.get(
            f"{b.base}/events/{demo_slug}/proceedings", headers={"X-Request-ID": rid}, timeout=30
        )
        assert first.headers["x-request-id"] == rid
        assert first.status_code == 200
        _wait(lambda: httpx.get(a.base + status).json()["stage"] != "queued", 60, "the render")
        renderers = w1.children()
        w1.process.send_signal(signal.SIGKILL)
        w1.process.wait()
        # Its render processes go with it (none keeps laying out for nobody).
        _wait(lambda: not [pid for pid in renderers if _alive(pid)], 15, "orphans to stop")
        # A second request while the job is orphaned makes no second job.
        assert httpx.get(a.base + status).json()["state"] == "running"
        w2 = stack.enter_context(started(["worker"], env["w2"], tmp_path / "w2.log"))
        done = _wait(
            lambda: (s := httpx.get(b.base + status).json())["state"] != "running" and s,
            90,
            "the new worker",
        )
        assert done["state"] == "done", done
        pdf = httpx.get(f"{a.base}/events/{demo_slug}/proceedings.pdf", timeout=30)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        book = PdfReader(io.BytesIO(pdf.content))
        assert len(book.pages) > 3
        assert httpx.get(f"{b.base}/events/{demo_slug}/proceedings.pdf").content == pdf.content
        stored = [name for name in s3.objects() if "/cache/print/" in name]
        assert len([name for name in stored if "proceedings-" in name]) == 1, stored
        assert len([name for name in stored if "programme-" in name]) == 1, stored
        # Over real HTTP, /media gives nothing of the cache area, however it is asked.
        cached = next(name for name in stored if "proceedings-" in name).removeprefix("site/")
        for server in (a, b):
            for path in (
                f"/media/%2e%2e/{cached}",
                f"/media/..%2f{cached.replace('/', '%2f')}",
                f"/media/{cached}",
                f"/media/thumbs/%2e%2e%2f%2e%2e%2f{cached}",
            ):
                answer = httpx.get(server.base + path, follow_redirects=True)
                assert answer.status_code in (400, 404) and b"%PDF" not in answer.content, path
        # The web processes made no PDF and started no render processes (B's two processes are
        # uvicorn's workers).
        assert a.children() == []
        spawned = [pid for pid in b.children() if b"spawn_main" in _command(pid)]
        assert len(spawned) == 2, [_command(pid) for pid in b.children()]
        assert not [pid for pid in b.children() if _children(pid)]
        # The worker that finished the job logged it (JSON) with the id of the request.
        lines = [
            json.loads(line) for line in w2.log.read_text().splitlines() if line.startswith("{")
        ]
        assert any(
            line["request_id"] == rid and "proceedings" in line["message"] for line in lines
        ), w2.log.read_text()[-3000:]
        # Metrics of a web process: routes by template, no paths.
        metrics = httpx.get(f"{a.base}/metrics").text
        assert 'route="/events/{slug}/proceedings/status"' in metrics
        assert "congress_queue_jobs" in metrics
