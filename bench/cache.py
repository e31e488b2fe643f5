"""Cached public answers without the database, and how fast a change reaches every process:
two `congress serve` processes and a `congress worker` on PostgreSQL and Redis (queue mode), as
real processes over loopback.

    .venv/bin/python bench/cache.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--requests 300] [--changes 5] [--notify redis|postgres]

Makes a new database (dropped afterwards) with the demo event, then prints:

- cached answers (event page, programme, an export) from one web process: median and p95 of
  --requests sequential requests on one keep-alive connection; beside them, the same from a
  third process started with CONGRESS_CACHE_TTL_SECONDS=0 (it reads the event and its data
  version from the database for every answer, as before change notifications);
- a change (an event renamed through web process A's API): how long until each web process
  serves the new page, --changes times;
- the proceedings PDF after a change: the worker makes it again (the warming job); how long the
  first visitor then waits for it on web process B (a new connection), served from storage.

Not a test: it prints figures for docs/benchmarks.md, with the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from sqlalchemy import make_url

CONGRESS = Path(sys.executable).with_name("congress")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path, health: str = "") -> Iterator[None]:
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
        yield
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=70)
        except subprocess.TimeoutExpired:
            child.kill()


def timings(url: str, count: int) -> list[float]:
    """Milliseconds of ``count`` sequential GETs on one keep-alive connection."""
    times = []
    with httpx.Client(timeout=30) as http:
        for _ in range(20):  # warm: the cache, the connection
            assert http.get(url).status_code == 200
        for _ in range(count):
            started = time.perf_counter()
            assert http.get(url).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def proceedings_after_changes(
    a: str, b: str, page: str, slug: str, headers: dict[str, str], folder: Path
) -> None:
    """The proceedings made by the worker after each of 3 changes, then asked of B."""
    print("\nproceedings after a change (warmed by the worker)")
    progress = httpx.get(f"{a}{page}/proceedings", timeout=30)
    assert progress.status_code == 200
    while httpx.get(f"{a}{page}/proceedings/status").json()["state"] == "running":
        time.sleep(0.1)
    stored = folder / "data" / "cache" / "print"
    for number in range(3):
        before = {path.name for path in stored.rglob("proceedings-*.pdf")}
        started = time.perf_counter()
        changed = httpx.patch(
            f"{a}/api/v1/events/{slug}",
            json={"name": {"en": f"Proceedings change {number}"}},
            headers=headers,
        )
        assert changed.status_code == 200
        while {path.name for path in stored.rglob("proceedings-*.pdf")} in (before, set()):
            time.sleep(0.05)
        warmed = time.perf_counter() - started
        started = time.perf_counter()
        pdf = httpx.get(f"{b}{page}/proceedings.pdf", timeout=30, follow_redirects=False)
        waited = (time.perf_counter() - started) * 1000
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.status_code
        then = []
        for _ in range(10):
            started = time.perf_counter()
            assert httpx.get(f"{b}{page}/proceedings.pdf").status_code == 200
            then.append((time.perf_counter() - started) * 1000)
        print(
            f"made again by the worker {warmed:.1f} s after the change; the first visitor "
            f"on B waited {waited:.1f} ms ({len(pdf.content):,} bytes, from storage); "
            f"the next 10 visitors: median {statistics.median(then):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument(
        "--notify",
        choices=["redis", "postgres"],
        default="redis",
        help="redis: queue mode with a worker (the default); postgres: no Redis, changes told "
        "by LISTEN/NOTIFY, local mode (no worker: the proceedings part is skipped)",
    )
    options = parser.parse_args()
    print(f"changes told through {options.notify}")
    print(f"uptime before: {subprocess.run(['uptime'], capture_output=True, text=True).stdout}")
    name = f"bench_cache_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(options.database_url)
    server = ["-h", admin_url.host or "127.0.0.1", "-U", admin_url.username or "postgres"]
    subprocess.run(["createdb", *server, name], check=True)
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="congress-bench-cache-"))
    try:
        with ExitStack() as stack:
            # One machine: every process shares the storage's folder (the cache area).
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")},
                "CONGRESS_DATABASE_URL": url,
                "CONGRESS_DATA_DIR": str(folder / "data"),
                "CONGRESS_SECRET_KEY": "bench",
            }
            if options.notify == "redis":
                env["CONGRESS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
                env["CONGRESS_JOBS"] = "queue"
                env["CONGRESS_QUEUE_NAME"] = f"bench-{uuid.uuid4().hex[:8]}"
            subprocess.run([str(CONGRESS), "db", "upgrade"], env=env, check=True)
            subprocess.run([str(CONGRESS), "demo"], env=env, check=True, capture_output=True)
            a, b, c = (f"http://127.0.0.1:{free_port()}" for _ in range(3))
            for base, log, extra in (
                (a, "a", {}),
                (b, "b", {}),
                (c, "c", {"CONGRESS_CACHE_TTL_SECONDS": "0"}),
            ):
                port = base.rpartition(":")[2]
                stack.enter_context(
                    process(["serve", "--port", port], {**env, **extra}, folder / log, base)
                )
            if options.notify == "redis":
                stack.enter_context(process(["worker"], env, folder / "worker.log"))
            slug = httpx.get(f"{a}/api/v1/events").json()["items"][0]["slug"]
            subprocess.run(
                [str(CONGRESS), "user", "create", "--role", "admin", "--email", "b@example.org",
                 "--password", "bench bench bench"],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            token = subprocess.run(
                [str(CONGRESS), "token", "create", "--email", "b@example.org"],
                env=env, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            headers = {"Authorization": f"Bearer {token}"}
            page = f"/events/{slug}"

            print(f"cached public answers, {options.requests} sequential requests each (ms)")
            print("answer | median | p95 | median, TTL 0 (database read) | p95, TTL 0")
            for path in (page, f"{page}/programme", f"{page}/schedule.xml"):
                known = timings(b + path, options.requests)
                asked = timings(c + path, options.requests)
                print(
                    f"{path.removeprefix(page) or '(event page)'} | "
                    f"{statistics.median(known):.1f} | {p95(known):.1f} | "
                    f"{statistics.median(asked):.1f} | {p95(asked):.1f}"
                )

            print(
                f"\na change through A's API ({options.changes}x): ms from A's answer until each "
                "process's first answer showing it began (propagation; the requests before it "
                "were cached answers of a few ms), and how long that first answer took (the page "
                "made again, by the process or by the worker)"
            )
            seen: dict[str, list[tuple[float, float]]] = {a: [], b: []}
            # Each process watched by a client of its own, at the same time (made beforehand:
            # making an httpx client takes a few hundred ms on a busy machine).
            clients = {base: stack.enter_context(httpx.Client(timeout=30)) for base in (a, b)}
            pool = stack.enter_context(ThreadPoolExecutor(2))
            list(pool.map(lambda base: clients[base].get(base + page), (a, b)))
            for number in range(options.changes):
                words = f"Bench change {number} {uuid.uuid4().hex[:6]}"
                changed = httpx.patch(
                    f"{a}/api/v1/events/{slug}", json={"name": {"en": words}}, headers=headers
                )
                assert changed.status_code == 200, changed.text
                done = time.perf_counter()

                def watch(base: str, words: str = words, done: float = done) -> None:
                    while True:
                        started = time.perf_counter()
                        if words in clients[base].get(base + page).text:
                            answered = time.perf_counter()
                            seen[base].append(
                                ((started - done) * 1000, (answered - started) * 1000)
                            )
                            return

                list(pool.map(watch, (a, b)))
                time.sleep(1)
            for base, label in ((a, "A (made the change)"), (b, "B")):
                spread = [value for value, _ in seen[base]]
                answers = [value for _, value in seen[base]]
                print(
                    f"{label}: propagation median {statistics.median(spread):.0f} ms, "
                    f"max {max(spread):.0f} ms; first answer median "
                    f"{statistics.median(answers):.0f} ms, max {max(answers):.0f} ms; "
                    f"until served: max {max(x + y for x, y in seen[base]):.0f} ms"
                )

            if options.notify == "redis":
                proceedings_after_changes(a, b, page, slug, headers, folder)
    finally:
        subprocess.run(["dropdb", "--force", *server, name], check=False)
    print(f"\nuptime after: {subprocess.run(['uptime'], capture_output=True, text=True).stdout}")


if __name__ == "__main__":
    main()
