"""Who may read and change participant data and the history: one table that the JSON API (the
services' ``read_roles``/``write_roles``) and the staff pages (their route guards) both read,
so that no role can get through one door what the other refuses. Admins may do everything
and are not listed."""

from __future__ import annotations

from typing import Any

from congress.domain.accounts.enums import Role

# Participants, their accreditation, the attendance lists and badges: read and changed alike.
REGISTRARS = frozenset({Role.REGISTRAR, Role.ORGANIZER})
# The check-in desk: checking people in and recording who sat in a session.
DESK = frozenset({Role.REGISTRAR})
# The events' plans (programme, timeline, venue, history): the workspace's "Events".
PLANNERS = frozenset({Role.ORGANIZER, Role.EDITOR})
# Staff accounts and their tokens.
ADMINS: frozenset[Role] = frozenset()

# Audit entries of these tables are for the roles that may read the records themselves.
AUDIT_READERS: dict[str, frozenset[Role]] = {
    "participant": REGISTRARS,
    "attendance": REGISTRARS,
    "user_account": ADMINS,
    "api_token": ADMINS,
}


def may(user: Any, allowed: frozenset[Role]) -> bool:
    """Whether ``user`` (a staff user or None) has one of the ``allowed`` roles, or is admin."""
    role = getattr(user, "role", None)
    return role is not None and (role is Role.ADMIN or role in allowed)


# Decisions (motions, votes, elections, roll calls, headcounts): recorded by organizers, read by
# the staff who prepare the record and the attendance lists.
DECISION_WRITERS = frozenset({Role.ORGANIZER})
DECISION_READERS = frozenset({Role.ORGANIZER, Role.REGISTRAR, Role.EDITOR})
