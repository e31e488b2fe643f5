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
