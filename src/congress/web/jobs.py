"""Every job function, by name: the web processes start them, `congress worker` runs them."""

from __future__ import annotations

from congress.documents.jobs import JobFunction
from congress.domain.checkin.jobs import JOB_FUNCTIONS as CHECKIN
from congress.domain.publishing.archive_jobs import JOB_FUNCTIONS as ARCHIVE
from congress.domain.publishing.jobs import JOB_FUNCTIONS as PUBLISHING
from congress.domain.registration.jobs import JOB_FUNCTIONS as REGISTRATION

JOB_FUNCTIONS: dict[str, JobFunction] = {**PUBLISHING, **ARCHIVE, **REGISTRATION, **CHECKIN}
