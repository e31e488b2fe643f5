"""`congress serve` in a child process on the test's database, and a browser-like login."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import httpx

from congress.settings import Settings
from tests.conftest import _free_port


class CongressServer:
    def __init__(self, settings: Settings, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value for key, value in os.environ.items() if not key.startswith("CONGRESS_")
        }
        self.env.update(
            CONGRESS_DATA_DIR=str(settings.data_dir),
            CONGRESS_DATABASE_URL=settings.database_url,
            CONGRESS_SECRET_KEY=settings.secret_key,
            **env,
        )
        self.log = settings.data_dir / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CongressServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "congress", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: nobody reads the request log while the test runs.
            stderr=self.log.open("wb"),
        )
        deadline = time.monotonic() + 180  # slow on a busy machine: migrations, render workers
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text())
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("congress serve did not start")

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def login_form(client: httpx.AsyncClient) -> str:
    """The CSRF token a browser would send with the login form (its cookie stays on the client)."""
    await client.get("/login")
    return str(client.cookies["congress_csrf"])


async def try_login(
    client: httpx.AsyncClient, csrf: str, email: str, password: str, **headers: str
) -> Any:
    return await client.post(
        "/login",
        data={"email": email, "password": password, "next": "/manage", "_csrf_token": csrf},
        headers={"accept": "text/html", **headers},
        follow_redirects=False,
    )
