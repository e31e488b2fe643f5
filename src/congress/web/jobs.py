"""Every job function, by name: the web processes start them, `congress worker` runs them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from congress.documents.jobs import JobContext, JobFunction
from congress.domain.checkin.jobs import JOB_FUNCTIONS as CHECKIN
from congress.domain.publishing.archive_jobs import JOB_FUNCTIONS as ARCHIVE
from congress.domain.publishing.jobs import JOB_FUNCTIONS as PUBLISHING
from congress.domain.publishing.views import TEMPLATE_SETUP
from congress.domain.registration.jobs import JOB_FUNCTIONS as REGISTRATION
from congress.server.metrics import observe_job
from congress.web.templates import configure_templates


def _timed(name: str, function: JobFunction) -> JobFunction:
    """The job function, its time counted in the metrics by name and outcome, wherever it runs
    (a web process in local mode, a worker in queue mode)."""

    async def timed(context: JobContext, **kwargs: Any) -> int:
        started = time.perf_counter()
        outcome = "failed"
        try:
            result = await function(context, **kwargs)
            outcome = "done"
            return result
        except asyncio.CancelledError:
            outcome = "requeued"  # its worker stopped: the queue runs it again
            raise
        finally:
            observe_job(name, outcome, time.perf_counter() - started)

    return timed


JOB_FUNCTIONS: dict[str, JobFunction] = {
    name: _timed(name, function)
    for name, function in {**PUBLISHING, **ARCHIVE, **REGISTRATION, **CHECKIN}.items()
}

# The warming job renders public pages outside a request: with the web pages' template setup.
if configure_templates not in TEMPLATE_SETUP:
    TEMPLATE_SETUP.append(configure_templates)
