"""Imports every models module so that the metadata knows every table (Alembic, tests), and the
publishing services, which say which rows' writes are announced to every process (the public
pages show them; db/changes.py) — for every command as for the servers."""

from congress.db.base import metadata
from congress.domain.accounts import models as accounts  # noqa: F401
from congress.domain.checkin import models as checkin  # noqa: F401
from congress.domain.decisions import models as decisions  # noqa: F401
from congress.domain.events import models as events  # noqa: F401
from congress.domain.people import models as people  # noqa: F401
from congress.domain.programme import models as programme  # noqa: F401
from congress.domain.publishing import models as publishing  # noqa: F401
from congress.domain.publishing import services as publishing_services  # noqa: F401
from congress.domain.registration import models as registration  # noqa: F401

__all__ = ["metadata"]
