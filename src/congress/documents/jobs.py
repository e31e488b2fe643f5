"""Rendering jobs of the web server: one per document and version, cached on disk.

A PDF is identified by its event, kind, options and the event's version
(:func:`congress.domain.publishing.content.event_version`): when anything printed changes, the version
changes and the next request renders anew; older files of the same document are removed. The
job table is in memory (progress of a running render); the finished PDFs are files under
``data_dir/cache/print`` and survive restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from congress.documents.render import RenderError
from congress.settings import Settings

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Job:
    key: str
    path: Path
    state: str = "running"  # running, done, failed
    done: int = 0
    total: int = 1
    stage: str = "queued"
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    pages: int = 0

    def progress(self, done: int, total: int, stage: str) -> None:
        self.done, self.total, self.stage = done, max(total, 1), stage

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(99, round(100 * self.done / self.total))

    def as_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "percent": self.percent,
            "stage": self.stage,
            "error": self.error or None,
            "pages": self.pages or None,
            "seconds": round(time.monotonic() - self.started, 1),
        }


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", part)


class PrintJobs:
    """The render jobs of one application (kept in ``app.state``)."""

    def __init__(self, settings: Settings) -> None:
        self.folder = settings.data_dir / "cache" / "print"
        self.jobs: dict[str, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def path_for(self, event_id: int, document: str, version: str) -> Path:
        return self.folder / str(event_id) / f"{_safe(document)}@{_safe(version)}.pdf"

    def cached(self, path: Path) -> Path | None:
        return path if path.is_file() else None

    def job(self, path: Path) -> Job | None:
        return self.jobs.get(str(path))

    def start(self, path: Path, render: Callable[[Job], tuple[bytes, int]]) -> Job:
        """Run ``render`` (blocking; it reports progress on the job) in a thread, once per path."""
        key = str(path)
        existing = self.jobs.get(key)
        if existing is not None and existing.state == "running":
            return existing
        job = Job(key, path)
        self.jobs[key] = job
        task = asyncio.get_running_loop().create_task(self._run(job, render))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: Job, render: Callable[[Job], tuple[bytes, int]]) -> None:
        try:
            pdf, pages = await asyncio.to_thread(render, job)
            await asyncio.to_thread(self.store, job.path, pdf)
            job.pages = pages
            job.state = "done"
        except RenderError as exc:
            job.state, job.error = "failed", str(exc)
            log.warning("render of %s failed: %s", job.path.name, exc)
        except Exception as exc:  # the server goes on; the page explains
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
            log.exception("render of %s failed", job.path.name)

    def store(self, path: Path, pdf: bytes) -> None:
        """Keep ``pdf`` as the cached file ``path``, removing older versions of the document."""
        path.parent.mkdir(parents=True, exist_ok=True)
        document = path.name.partition("@")[0]
        for older in path.parent.glob(f"{document}@*.pdf"):
            if older != path:
                with contextlib.suppress(FileNotFoundError):
                    older.unlink()
                self.jobs.pop(str(older), None)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pdf)
        partial.replace(path)

    async def wait_all(self) -> None:
        """Wait for the running renders (tests, shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
