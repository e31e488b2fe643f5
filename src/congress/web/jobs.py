"""Every job function, by name: the web processes start them, `congress worker` runs them."""

from __future__ import annotations

from congress.documents.jobs import JobFunction
from congress.domain.checkin.jobs import JOB_FUNCTIONS as CHECKIN
from congress.domain.publishing.jobs import JOB_FUNCTIONS as PUBLISHING
from congress.domain.publishing.views import TEMPLATE_SETUP
from congress.domain.registration.jobs import JOB_FUNCTIONS as REGISTRATION
from congress.web.templates import configure_templates

JOB_FUNCTIONS: dict[str, JobFunction] = {**PUBLISHING, **REGISTRATION, **CHECKIN}

# The warming job renders public pages outside a request: with the web pages' template setup.
if configure_templates not in TEMPLATE_SETUP:
    TEMPLATE_SETUP.append(configure_templates)
