import enum

from congress.domain.events.enums import ParticipantCategory as ParticipantCategory


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

CATEGORY_LABELS = {
    ParticipantCategory.MEMBER: "Member",
    ParticipantCategory.CANDIDATE_MEMBER: "Candidate member",
    ParticipantCategory.DELEGATE: "Delegate",
    ParticipantCategory.GUEST: "Guest",
    ParticipantCategory.OBSERVER: "Observer / press",
    ParticipantCategory.STAFF: "Staff",
}
STATUS_LABELS = {
    ParticipantStatus.INVITED: "Invited",
    ParticipantStatus.REGISTERED: "Registered",
    ParticipantStatus.ACCREDITED: "Accredited",
    ParticipantStatus.CHECKED_IN: "Checked in",
    ParticipantStatus.CANCELLED: "Cancelled",
    ParticipantStatus.NO_SHOW: "No-show",
}
