"""How a private document (badges, attendance lists) reaches the staff member who asked for it,
after the route's guard let them in.

By default its bytes pass through the web process and the stored copy is removed once read
(``PrintJobs.make``). With an object store and ``CONGRESS_STORAGE_SIGNED_URLS``, the answer is
instead a signed address of the store that lives at most ``PRIVATE_URL_SECONDS``; the copy is
removed once that address has expired (or, if this process stops first, when the same document
of the event is made again).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from litestar.response import Redirect, Response

from congress.documents.jobs import PrintJobs, storage_of
from congress.documents.render import RenderError

PRIVATE_URL_SECONDS = 60
_REMOVALS: set[asyncio.Task[None]] = set()


async def private_document(
    jobs: PrintJobs, key: str, function: str, seconds: float, **kwargs: Any
) -> bytes | str:
    """The document ``key`` made by the job ``function``: its bytes, or a signed address."""
    settings = jobs.settings
    lifetime = min(settings.storage_signed_urls, PRIVATE_URL_SECONDS)
    if not lifetime or not settings.storage_url:
        return await jobs.make(key, function, seconds, **kwargs)
    await jobs.start(key, function, **kwargs)
    job = await jobs.wait(key, seconds)
    if job is not None and job.state == "failed":
        raise RenderError(job.error)
    if job is not None and job.state == "running":
        raise RenderError("the document is still being laid out; try again in a moment")
    jobs.jobs.pop(key, None)
    storage, inner = storage_of(settings, key)
    address = await asyncio.to_thread(storage.signed_url, inner, lifetime)
    if address is None:  # not an object store after all: as without signed addresses
        data = await asyncio.to_thread(storage.read, inner)
        await asyncio.to_thread(storage.delete, inner)
        return data

    async def remove() -> None:
        await asyncio.sleep(lifetime + 5)
        with contextlib.suppress(OSError):
            await asyncio.to_thread(storage.delete, inner)

    task = asyncio.get_running_loop().create_task(remove())
    _REMOVALS.add(task)
    task.add_done_callback(_REMOVALS.discard)
    return address


def document_answer(document: bytes | str, filename: str) -> Response[Any]:
    """The answer of a private document's route: the PDF, or the redirect to its address."""
    if isinstance(document, str):
        return Redirect(document, status_code=302, headers={"Cache-Control": "no-store"})
    return Response(
        document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
