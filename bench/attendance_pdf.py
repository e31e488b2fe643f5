"""The attendance-list PDF (sign-in sheet) of a 5,000-participant event: seconds, pages, memory.

    .venv/bin/python bench/attendance_pdf.py [--participants 5000] [--database-url URL]

Measured twice: first while the render workers start (as for the first list after the server
started), then with them running. Peak memory is the largest resident size of any process
involved, over both: this one (reading rows) and the worker processes that lay out the PDF.

Then, for the speed of the machine at that moment (on shared machines it changes by half from
one hour to the next): WeasyPrint alone, default settings, laying out a naive table of as many
rows (number, name, organization, category, signature) in one call, in a fresh process.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registration_data import make_event, settings_for
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.engine import make_engine
from congress.documents import shutdown_pool
from congress.domain.checkin.exporters import ListSpec
from congress.domain.checkin.printing import attendance_pdf
from congress.domain.events.models import Event
from congress.settings import Settings


async def main(settings: Settings, folder: str, participants: int) -> None:
    slug = await make_event(settings, participants)
    engine = make_engine(settings)
    async with AsyncSession(engine) as db:
        event = (await db.execute(select(Event).where(Event.slug == slug))).scalars().one()
    # First with the render workers starting (the first list after the server started), then
    # again with them running, as a server that has printed before has them.
    times = []
    for _ in range(2):
        started = time.perf_counter()
        result = await attendance_pdf(engine, ListSpec(event), settings=settings)
        times.append(time.perf_counter() - started)
    await engine.dispose()
    shutdown_pool()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    Path(folder, "attendance.pdf").write_bytes(result.pdf)
    print(
        f"attendance PDF, {participants} participants: {times[0]:.2f} s with the workers "
        f"starting, {times[1]:.2f} s with them running; {result.pages} pages, "
        f"{len(result.pdf) / 1024:.0f} KiB; peak RSS: this process {own:.0f} MiB, "
        f"render worker {worker:.0f} MiB"
    )


NAIVE_TABLE = """
import sys, time
import weasyprint
rows = int(sys.argv[1])
cells = "".join(
    f"<tr><td>{n}</td><td>Family-{n}, Given</td><td>Organization number {n % 200}</td>"
    f"<td>Delegate</td><td></td></tr>"
    for n in range(1, rows + 1)
)
html = (
    "<style>table{width:100%;border-collapse:collapse;font:8.5pt sans-serif}"
    "td{border-bottom:0.3pt solid #aaa;height:8mm}</style><table><thead><tr><th>No.</th>"
    "<th>Name</th><th>Organization</th><th>Category</th><th>Signature</th></tr></thead>"
    f"<tbody>{cells}</tbody></table>"
)
started = time.perf_counter()
document = weasyprint.HTML(string=html).render()
document.write_pdf()
print(f"{time.perf_counter() - started:.2f} s, {len(document.pages)} pages")
"""


def naive_table(rows: int) -> str:
    done = subprocess.run(
        [sys.executable, "-c", NAIVE_TABLE, str(rows)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip WeasyPrint alone on a naive table"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(Path(folder), args.database_url)
        asyncio.run(main(settings, folder, args.participants))
    if not args.no_reference:
        print(
            f"reference, WeasyPrint alone on a naive {args.participants}-row table: "
            f"{naive_table(args.participants)}"
        )
