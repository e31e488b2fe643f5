"""How much bad logins slow everyone else: an unrelated request while 30 bad logins hash.

    .venv/bin/python bench/login_load.py [--logins 30] [--rounds 3]

Starts `congress serve` (the Python running this script, so another checkout's interpreter
measures that checkout) on a fresh data directory, then in each round: 20 pings of
/api/v1/ping alone, then the same pings while N logins with wrong passwords run at once.
Prints the median and slowest ping of each, and how long the N logins took together.
The address delay is set out of the way, so that every login really hashes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGRESS_")}
    env.update(CONGRESS_DATA_DIR=str(data_dir), CONGRESS_LOGIN_ATTEMPTS_PER_ADDRESS="100000")
    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "congress", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("congress serve did not start")


async def pings(client: httpx.AsyncClient, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        (await client.get("/api/v1/ping")).raise_for_status()
        times.append(time.perf_counter() - started)
    return times


async def bad_login(client: httpx.AsyncClient, csrf: str, number: int) -> int:
    response = await client.post(
        "/login",
        data={"email": f"nobody{number}@example.org", "password": "wrong", "_csrf_token": csrf},
        headers={"accept": "text/html"},
    )
    return response.status_code


def line(label: str, times: list[float]) -> str:
    return f"{label:>22}: median {statistics.median(times) * 1000:7.1f} ms, slowest {max(times) * 1000:7.1f} ms"


async def measure(url: str, logins: int, rounds: int) -> None:
    async with (
        httpx.AsyncClient(base_url=url, timeout=300) as browser,
        httpx.AsyncClient(base_url=url, timeout=300) as other,
    ):
        await browser.get("/login")
        csrf = str(browser.cookies["congress_csrf"])
        for number in range(1, rounds + 1):
            print(f"round {number}")
            print(line("ping alone", await pings(other, 20)))
            started = time.perf_counter()
            attempts = asyncio.gather(*(bad_login(browser, csrf, n) for n in range(logins)))
            await asyncio.sleep(0.05)
            during = await pings(other, 20)
            statuses = await attempts
            took = time.perf_counter() - started
            print(line(f"ping during {logins} logins", during))
            print(f"{'logins':>22}: {took:.2f} s together, statuses {sorted(set(statuses))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start(Path(folder), port)
        try:
            asyncio.run(measure(f"http://127.0.0.1:{port}", args.logins, args.rounds))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
