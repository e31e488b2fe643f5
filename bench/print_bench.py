"""Printing benchmarks (figures go to docs/benchmarks.md, "## Printing").

    python bench/print_bench.py [DATA_DIR] [--skip-baseline] [--pairs=N]

With --pairs=N only the first figure is measured: N pairs of the proceedings command and
WeasyPrint alone, in alternating order (the machine's speed moves between runs).

DATA_DIR (default var/bench-print) gets the large event of bench/print_data.py when it has none.
Measured, in one run:

1. `congress print proceedings` (whole command: database, templates, parallel layout, joining)
   against WeasyPrint alone laying out the same final HTML in one call with default settings:
   seconds, the ratio, pages, peak memory (all processes together, and the largest one);
2. `congress print attendance` for the 5,000 participants: seconds and peak memory;
3. the same document laid out in one process with and without the cyclic collector held off;
4. the "Decisions" chapter alone (the 200-delegation roll-call table, the election's tallies)
   laid out in one process: seconds and pages;
5. /health answered by `congress serve` while the proceedings are being laid out;
6. memory of the server process and of the render workers over 24 renders.

The proceedings include the decisions of bench/print_data.py's closing sitting: each in its
place in the programme as held, the full entries in the "Decisions" chapter.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CONGRESS = [PYTHON, "-m", "congress"]
SLUG = "bench-congress"


def _rss_tree(pid: int) -> tuple[int, int]:
    """(sum, max) resident memory in bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, largest, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        largest = max(largest, rss.get(current, 0))
        stack.extend(children.get(current, []))
    return total, largest


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """Run ``command``: seconds, peak memory of its process tree (sum, largest), its output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak_sum = peak_max = 0
    while process.poll() is None:
        total, largest = _rss_tree(process.pid)
        peak_sum, peak_max = max(peak_sum, total), max(peak_max, largest)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return seconds, peak_sum, peak_max, output


def mib(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def export_html(env: dict[str, str], target: Path) -> None:
    """The final HTML of the proceedings, with its stylesheets inlined (for WeasyPrint alone)."""
    code = f"""
import asyncio
from pathlib import Path
from sqlalchemy.ext.asyncio import AsyncSession
from congress.db.engine import make_engine
from congress.domain.publishing.printing import STYLESHEETS, load_proceedings, proceedings_html
from congress.domain.publishing.services import public_event
from congress.settings import get_settings

async def main():
    settings = get_settings()
    engine = make_engine(settings)
    async with AsyncSession(engine, expire_on_commit=False) as db:
        event = await public_event(db, None, "{SLUG}")
        book = await load_proceedings(db, event, "en")
    await engine.dispose()
    html = proceedings_html(book, settings)
    css = "".join((settings.templates_dir / name).read_text() for name in STYLESHEETS)
    html = html.replace("<head>", "<head><base href='https://congress.invalid/'><style>" + css + "</style>", 1)
    Path("{target}").write_text(html)

asyncio.run(main())
"""
    subprocess.run([PYTHON, "-c", code], env=env, check=True)


WEASYPRINT_ALONE = """
import sys, weasyprint
document = weasyprint.HTML(filename=sys.argv[1]).render()
document.write_pdf(sys.argv[2])
print(len(document.pages), "pages")
"""

ONE_PROCESS = """
import sys, time
from pathlib import Path
from congress.documents.render import PdfRequest, render_pdf_here
from congress.settings import get_settings
html = Path(sys.argv[1]).read_text()
started = time.process_time()
result = render_pdf_here(PdfRequest.make(html, get_settings(), stylesheets=()), pause_collector=sys.argv[2] == "paused")
print(f"{time.process_time() - started:.1f} cpu-s {result.pages} pages")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def health_during_render(env: dict[str, str]) -> str:
    # The server keeps rendered documents on disk: start from none, so that it renders.
    shutil.rmtree(Path(env["CONGRESS_DATA_DIR"]) / "cache" / "print", ignore_errors=True)
    port = free_port()
    server = subprocess.Popen(
        [*CONGRESS, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.25)
        urllib.request.urlopen(f"{base}/events/{SLUG}/proceedings?lang=ru", timeout=60).read()
        latencies: list[float] = []
        state = "running"
        started = time.perf_counter()
        while state == "running":
            before = time.perf_counter()
            urllib.request.urlopen(f"{base}/health", timeout=10).read()
            latencies.append(time.perf_counter() - before)
            status = urllib.request.urlopen(
                f"{base}/events/{SLUG}/proceedings/status?lang=ru", timeout=10
            ).read()
            state = (
                "done" if b'"done"' in status else "failed" if b'"failed"' in status else "running"
            )
            time.sleep(0.05)
        took = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return (
        f"{len(latencies)} /health requests during a {took:.0f} s proceedings render ({state}): "
        f"median {1000 * statistics.median(latencies):.0f} ms, p95 {1000 * p95:.0f} ms, "
        f"max {1000 * latencies[-1]:.0f} ms"
    )


MEMORY = """
import os, sys, time
from pathlib import Path
from congress.documents import render
from congress.settings import get_settings

def rss(pid):
    with open(f"/proc/{pid}/status") as handle:
        return next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS"))

if __name__ == "__main__":
    html = Path(sys.argv[1]).read_text()
    figures = []
    for n in range(24):
        render.render_pdf(html, get_settings(), stylesheets=())
        pool = render._get_pool()
        workers = sum(rss(pid) for pid in list(pool._processes))
        figures.append((rss(os.getpid()), workers))
    render.shutdown_pool()
    for n in (0, 7, 8, 15, 16, 23):
        print(f"after render {n + 1:2d}: server {figures[n][0] / 2**20:.0f} MiB, workers {figures[n][1] / 2**20:.0f} MiB")
"""


def ratio_pairs(env: dict[str, str], out: Path, html: Path, count: int) -> None:
    """The proceedings command against WeasyPrint alone, ``count`` times, in turns."""
    ours = [*CONGRESS, "print", "proceedings", SLUG, "-o", str(out / "proceedings.pdf")]
    alone = [PYTHON, "-c", WEASYPRINT_ALONE, str(html), str(out / "alone.pdf")]
    for number in range(count):
        print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
        order = [("proceedings", ours), ("alone", alone)]
        seconds: dict[str, float] = {}
        for name, command in order if number % 2 else order[::-1]:
            seconds[name], peak, _, output = measure(command, env)
            last = output.strip().splitlines()[-1] if output.strip() else ""
            print(f"  {name}: {seconds[name]:.1f} s, {last}, peak {mib(peak)}", flush=True)
        first = "proceedings" if number % 2 else "alone"
        ratio = seconds["proceedings"] / seconds["alone"]
        print(f"pair {number + 1} ({first} first): ratio {ratio:.2f}", flush=True)


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    data_dir = Path(args[0] if args else ROOT / "var" / "bench-print").resolve()
    env = {**os.environ, "CONGRESS_DATA_DIR": str(data_dir), "CONGRESS_DATABASE_URL": ""}
    if not (data_dir / "congress.db").exists():
        subprocess.run([PYTHON, str(ROOT / "bench" / "print_data.py"), str(data_dir)], check=True)
    out = data_dir / "out"
    out.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")

    html = out / "proceedings.html"
    export_html(env, html)
    pairs = [int(arg.partition("=")[2]) for arg in sys.argv[1:] if arg.startswith("--pairs=")]
    if pairs:
        ratio_pairs(env, out, html, pairs[0])
        return

    seconds, peak_sum, peak_max, output = measure(
        [*CONGRESS, "print", "proceedings", SLUG, "-o", str(out / "proceedings.pdf")], env
    )
    pages = output.strip().splitlines()[-1]
    print(
        f"congress print proceedings: {seconds:.1f} s, {pages}, peak {mib(peak_sum)} all processes, {mib(peak_max)} largest"
    )
    if "--skip-baseline" not in sys.argv:
        alone, alone_sum, _, alone_out = measure(
            [PYTHON, "-c", WEASYPRINT_ALONE, str(html), str(out / "alone.pdf")], env
        )
        print(
            f"WeasyPrint alone, same HTML, one call: {alone:.1f} s, {alone_out.strip()}, peak {mib(alone_sum)}"
        )
        print(f"ratio: {seconds / alone:.2f}")

    seconds, peak_sum, peak_max, output = measure(
        [*CONGRESS, "print", "attendance", SLUG, "-o", str(out / "attendance.pdf")], env
    )
    pages = output.strip().splitlines()[-1]
    print(
        f"congress print attendance (5,000 participants): {seconds:.1f} s, {pages}, peak {mib(peak_sum)} all processes, {mib(peak_max)} largest"
    )

    part = out / "participants.html"
    text = html.read_text()
    # The participants chapter alone (a long document of tables): collector on versus held off.
    head, _, rest = text.partition("<body")
    body = rest[rest.index('<section class="participants chapter"') :]
    part.write_text(head + "<body>" + body)
    for mode in ("collecting", "paused"):
        seconds, peak_sum, _, output = measure([PYTHON, "-c", ONE_PROCESS, str(part), mode], env)
        print(
            f"participants chapter in one process, collector {mode}: {seconds:.1f} s wall, {output.strip()}, peak {mib(peak_sum)}"
        )

    decisions = out / "decisions.html"
    body = rest[rest.index('<section class="decisions chapter"') :]
    body = body[: body.index('<section class="participants chapter"')]
    decisions.write_text(head + "<body>" + body + "</body></html>")
    seconds, peak_sum, _, output = measure(
        [PYTHON, "-c", ONE_PROCESS, str(decisions), "paused"], env
    )
    print(
        f"decisions chapter (roll call of 200 delegations, election) in one process: {seconds:.1f} s wall, {output.strip()}, peak {mib(peak_sum)}"
    )

    print(health_during_render(env))

    small = out / "small.html"
    small.write_text(
        head
        + "<body>"
        + body[:60_000].rsplit("</tr>", 1)[0]
        + "</tr></tbody></table></section></body></html>"
    )
    script = out / "memory.py"
    script.write_text(MEMORY)
    memory = subprocess.run(
        [PYTHON, str(script), str(small)], env=env, check=True, capture_output=True, text=True
    )
    print("memory over 24 renders of a 300-row list (workers are replaced every 8 renders):")
    print(memory.stdout.rstrip())


if __name__ == "__main__":
    main()
