"""`congress serve` and `congress worker` as real processes on a test's database, and the queue
mode's settings (Redis on 127.0.0.1:6379, a queue of the test's own)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from congress.settings import Settings

CONGRESS = Path(sys.executable).with_name("congress")
REDIS_URL = "redis://127.0.0.1:6379/0"


def queue_settings(settings: Settings, **changes: Any) -> Settings:
    """``settings`` in queue mode, on a queue no other test uses."""
    return settings.model_copy(
        update={
            "jobs": "queue",
            "redis_url": REDIS_URL,
            "queue_name": f"test-{uuid.uuid4().hex[:10]}",
            **changes,
        }
    )


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGRESS_")}
    env.update(
        CONGRESS_DATA_DIR=str(settings.data_dir),
        CONGRESS_DATABASE_URL=settings.database_url,
        CONGRESS_SECRET_KEY=settings.secret_key or "test-secret",
        CONGRESS_JOBS=settings.jobs,
        CONGRESS_QUEUE_NAME=settings.queue_name,
        CONGRESS_DEMO_ON_FIRST_START="false",
    )
    if settings.redis_url:
        env["CONGRESS_REDIS_URL"] = settings.redis_url
    env.update(extra)
    return env


class Running:
    """A `congress` process writing its output to a file."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process, self.log = process, log

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def json_lines(self) -> list[dict[str, Any]]:
        """Every line of the output that is a JSON object."""
        return [json.loads(line) for line in self.text().splitlines() if line.startswith("{")]

    def wait_for(self, check: Callable[[], Any], seconds: float, what: str) -> Any:
        deadline = time.monotonic() + seconds
        while True:
            value = check()
            if value:
                return value
            assert time.monotonic() < deadline, f"waited {seconds} s for {what}:\n{self.text()}"
            time.sleep(0.05)

    def terminate(self, seconds: float = 60) -> int:
        """SIGTERM, then the exit code (SIGKILL after ``seconds``, which fails the test)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"did not stop within {seconds} s:\n{self.text()}") from None


@contextmanager
def congress(args: list[str], env: dict[str, str], log: Path) -> Iterator[Running]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(CONGRESS), *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    running = Running(process, log)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@contextmanager
def worker(settings: Settings, log: Path, **extra: str) -> Iterator[Running]:
    """`congress worker` on ``settings``' queue, once it waits for jobs."""
    with congress(["worker", "--concurrency", "1"], environment(settings, **extra), log) as w:
        w.wait_for(lambda: "congress worker" in w.text() or w.process.poll(), 60, "the worker")
        assert w.process.poll() is None, w.text()
        yield w


@contextmanager
def server(settings: Settings, log: Path, **extra: str) -> Iterator[tuple[Running, str]]:
    """`congress serve` on a free port, once it answers /health; gives it and its address."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = environment(settings, CONGRESS_PORT=str(port), **extra)
    with congress(["serve"], env, log) as web:

        def healthy() -> bool:
            assert web.process.poll() is None, web.text()
            try:
                return httpx.get(f"{url}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        web.wait_for(healthy, 90, "the server")
        yield web, url
