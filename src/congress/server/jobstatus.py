"""The API's answer for work that goes on after the request: 202 with the ``Location`` of the
job's status (``GET /api/v1/jobs/{key}``, web/ops.py), and that status."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Response
from pydantic import BaseModel


class JobStatus(BaseModel):
    """A job in progress: follow its ``Location`` until ``state`` is done or failed."""

    key: str
    state: str
    percent: int
    stage: str
    error: str | None = None
    result: dict[str, Any] | None = None


def job_status(key: str, job: Any, result: dict[str, Any] | None = None) -> JobStatus:
    return JobStatus(
        key=key,
        state=job.state if job is not None else "done",
        percent=job.percent if job is not None else 100,
        stage=job.stage if job is not None else "done",
        error=job.error or None if job is not None else None,
        result=result,
    )


def accepted(key: str, job: Any) -> Response[Any]:
    """202: the work goes on; its status is at the Location."""
    location = f"/api/v1/jobs/{key}"
    return Response(
        job_status(key, job),
        status_code=202,
        headers={"Location": location},
        media_type="application/json",  # also from a route whose answer is a file
    )


STILL_RUNNING = ResponseSpec(
    data_container=JobStatus,
    description="The file is good and is being written: poll the job at `Location` "
    "(`GET /api/v1/jobs/{key}`) until its state is `done` (its result) or `failed`",
)
