import enum


class EventStatus(enum.StrEnum):
    """Draft events are visible to staff only; published and later ones to everybody."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"

    @property
    def is_public(self) -> bool:
        return self is not EventStatus.DRAFT


class ParticipantCategory(enum.StrEnum):
    """What a participant attends as; an event says which ones may register themselves
    (registration's own vocabulary, kept here because the event's settings name it)."""

    MEMBER = "member"
    CANDIDATE_MEMBER = "candidate_member"
    DELEGATE = "delegate"
    GUEST = "guest"
    OBSERVER = "observer"  # observers and press
    STAFF = "staff"
