"""Several web processes and a worker on PostgreSQL, Redis and a local S3 server (moto), as
real processes, over real HTTP.

    .venv/bin/python bench/scale.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--seconds 15] [--connections 8] [--rounds 2]

Makes a new database (dropped afterwards) with the demo event, then prints:

- with 1 and with 2 web processes (CONGRESS_JOBS=queue) — two `congress serve` processes on two
  ports, and one `congress serve --workers 2` — the throughput of a cached public page (the
  event's page) under --connections connections of wrk (the load generator, a process of its
  own: Debian's package `wrk`), the median of one client's sequential requests, and the web
  processes' CPU time (user + system, from /proc) per 1,000 requests;
- the proceedings PDF: how long the worker took to make it, and how long a visitor then waits
  for it from another web process (served from the object store).

Not a test: it prints figures for docs/benchmarks.md, with the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.s3 import s3_server

CONGRESS = Path(sys.executable).with_name("congress")
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system time of a process and its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path, health: str = "") -> Any:
    with log.open("w") as out:
        child = subprocess.Popen([str(CONGRESS), *args], env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while health:
            assert child.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"{health}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        yield child
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=70)
        except subprocess.TimeoutExpired:
            child.kill()


def processes_of(pid: int) -> list[int]:
    """``pid`` and its children (uvicorn's worker processes under `serve --workers`)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def web_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(child) for pid in pids for child in processes_of(pid))


def wrk(urls: list[str], seconds: int, connections: int) -> tuple[int, float]:
    """Requests answered and the seconds taken, one wrk process per URL (connections shared)."""
    runs = [
        subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{max(1, connections // len(urls))}",
                f"-d{seconds}s",
                "--timeout",
                "60s",  # a busy shared machine: a slow answer is measured, not dropped
                url,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for url in urls
    ]
    total, longest = 0, 0.0
    for run in runs:
        out, _ = run.communicate()
        assert run.returncode == 0 and "Non-2xx" not in out and "Socket errors" not in out, out
        found = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
        assert found, out
        total += int(found.group(1))
        taken = float(found.group(2)) / (1000 if found.group(3) == "ms" else 1)
        longest = max(longest, taken)
    return total, longest


def sequential(url: str, count: int) -> list[float]:
    times = []
    with httpx.Client(timeout=30) as http:
        for _ in range(count):
            started = time.perf_counter()
            assert http.get(url).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=int, default=15, help="of load per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each setup")
    options = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    name = f"bench_scale_{uuid.uuid4().hex[:8]}"
    admin = make_url(options.database_url)
    subprocess.run(
        ["createdb", "-h", admin.host or "127.0.0.1", "-U", admin.username or "postgres", name],
        check=True,
    )
    url = admin.set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="congress-bench-scale-"))
    try:
        with ExitStack() as stack:
            s3 = stack.enter_context(s3_server(folder / "moto.log"))
            base_env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")},
                **s3.env("bench"),
                "CONGRESS_DATABASE_URL": url,
                "CONGRESS_REDIS_URL": "redis://127.0.0.1:6379/0",
                "CONGRESS_JOBS": "queue",
                "CONGRESS_QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}",
                "CONGRESS_SECRET_KEY": "bench",
            }

            def env(role: str) -> dict[str, str]:
                return {**base_env, "CONGRESS_DATA_DIR": str(folder / role)}

            subprocess.run(
                [str(CONGRESS), "db", "upgrade"], env=env("cli"), check=True, capture_output=True
            )
            demo = subprocess.run(
                [str(CONGRESS), "demo"], env=env("cli"), check=True, capture_output=True, text=True
            )
            slug = demo.stdout.strip().split()[-1] if demo.stdout.strip() else "demo"
            ports = [free_port(), free_port()]
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            web = [
                stack.enter_context(
                    process(
                        ["serve", "--port", str(port)],
                        env(f"web{i}"),
                        folder / f"web{i}.log",
                        bases[i],
                    )
                )
                for i, port in enumerate(ports)
            ]
            stack.enter_context(process(["worker"], env("worker"), folder / "worker.log"))
            events = httpx.get(f"{bases[0]}/api/v1/events").json()["items"]
            slug = events[0]["slug"]
            page = f"/events/{slug}"
            for base in bases:
                for _ in range(20):  # warm: caches, connections
                    httpx.get(base + page)
            print(
                f"\npublic page {page}, wrk with {options.connections} connections, "
                f"{options.seconds} s a measurement, {options.rounds} rounds"
            )
            print(
                "web processes | requests/s | median ms (one client) | web CPU s per 1,000 requests"
            )
            port = free_port()
            both = f"http://127.0.0.1:{port}"
            pooled = stack.enter_context(
                process(
                    ["serve", "--port", str(port), "--workers", "2"],
                    env("pooled"),
                    folder / "pooled.log",
                    both,
                )
            )
            for _ in range(40):
                httpx.get(both + page)
            setups = [
                ("1", [bases[0] + page], [web[0].pid]),
                ("2 (two serve)", [base + page for base in bases], [child.pid for child in web]),
                ("2 (serve --workers 2)", [both + page], [pooled.pid]),
            ]
            figures: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in setups}
            for round_number in range(options.rounds):
                for label, urls, pids in setups:
                    before = web_cpu(pids)
                    answered, seconds = wrk(urls, options.seconds, options.connections)
                    cpu = web_cpu(pids) - before
                    median = statistics.median(sequential(urls[0], 100))
                    figures[label].append((answered / seconds, cpu * 1000 / answered))
                    print(
                        f"{label} | {answered / seconds:.0f} | {median:.1f} | "
                        f"{cpu * 1000 / answered:.2f}   (round {round_number + 1}, "
                        f"{answered} requests, load {os.getloadavg()[0]:.2f})"
                    )

            one = statistics.median(cpu for _, cpu in figures["1"])
            print("\nmedians over the rounds: requests/s, CPU s per 1,000 requests, CPU ratio to 1")
            for label, found in figures.items():
                cpu = statistics.median(cpu for _, cpu in found)
                rate = statistics.median(rate for rate, _ in found)
                print(f"{label} | {rate:.0f} | {cpu:.2f} | {cpu / one:.2f}×")

            # The proceedings: made by the worker, then served by the other web process.
            started = time.perf_counter()
            httpx.get(f"{bases[0]}/events/{slug}/proceedings", timeout=30)
            while (
                httpx.get(f"{bases[0]}/events/{slug}/proceedings/status").json()["state"]
                == "running"
            ):
                time.sleep(0.05)
            made = time.perf_counter() - started
            waits = []
            for _ in range(20):
                started = time.perf_counter()
                answer = httpx.get(f"{bases[1]}/events/{slug}/proceedings.pdf", timeout=30)
                waits.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
            print(
                f"\nproceedings: made by the worker in {made:.1f} s ({len(answer.content):,} bytes); "
                f"then served by the other web process from the store: median {statistics.median(waits):.1f} ms, "
                f"first {waits[0]:.1f} ms"
            )
    finally:
        subprocess.run(
            [
                "dropdb",
                "--force",
                "-h",
                admin.host or "127.0.0.1",
                "-U",
                admin.username or "postgres",
                name,
            ],
            check=False,
        )
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
