import enum

from congress.domain.events.enums import ParticipantCategory as ParticipantCategory
from congress.messages import N_


class ParticipantStatus(enum.StrEnum):
    INVITED = "invited"
    REGISTERED = "registered"
    ACCREDITED = "accredited"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# Statuses that take up a place in a delegation's quota.
ACTIVE_STATUSES = frozenset(
    {
        ParticipantStatus.INVITED,
        ParticipantStatus.REGISTERED,
        ParticipantStatus.ACCREDITED,
        ParticipantStatus.CHECKED_IN,
    }
)
# Who appears in published lists of participants (besides having consented).
LISTED_STATUSES = (
    ParticipantStatus.REGISTERED,
    ParticipantStatus.ACCREDITED,
    ParticipantStatus.CHECKED_IN,
)

# The words for these values (gettext messages, translated where a page shows them).
CATEGORY_LABELS = {
    ParticipantCategory.MEMBER: N_("Member"),
    ParticipantCategory.CANDIDATE_MEMBER: N_("Candidate member"),
    ParticipantCategory.DELEGATE: N_("Delegate"),
    ParticipantCategory.GUEST: N_("Guest"),
    ParticipantCategory.OBSERVER: N_("Observer / press"),
    ParticipantCategory.STAFF: N_("Staff"),
}
STATUS_LABELS = {
    ParticipantStatus.INVITED: N_("Invited"),
    ParticipantStatus.REGISTERED: N_("Registered"),
    ParticipantStatus.ACCREDITED: N_("Accredited"),
    ParticipantStatus.CHECKED_IN: N_("Checked in"),
    ParticipantStatus.CANCELLED: N_("Cancelled"),
    ParticipantStatus.NO_SHOW: N_("No-show"),
}
