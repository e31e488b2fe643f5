import enum


class SessionKind(enum.StrEnum):
    CEREMONY = "ceremony"
    PLENARY = "plenary"
    SECTION = "section"
    ROUND_TABLE = "round_table"
    RECEPTION = "reception"
    MEETING = "meeting"
    EXCURSION = "excursion"
    OTHER = "other"


class SeatRole(enum.StrEnum):
    CHAIR = "chair"
    CO_CHAIR = "co_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    GUEST_OF_HONOUR = "guest_of_honour"


class AgendaItemKind(enum.StrEnum):
    SPEECH = "speech"
    AWARD = "award"
    GIFT = "gift"
    PERFORMANCE = "performance"
    PROCEDURAL = "procedural"
    BREAK = "break"
    OTHER = "other"


class SpeechKind(enum.StrEnum):
    GREETING = "greeting"
    WELCOME = "welcome"
    REPORT = "report"
    ADDRESS = "address"
    STATEMENT = "statement"
    OTHER = "other"


class TranscriptStatus(enum.StrEnum):
    """How the text in one language came to be."""

    ORIGINAL = "original"
    TRANSLATION = "translation"
    INTERPRETATION = "interpretation"


class AwardKind(enum.StrEnum):
    BADGE = "badge"
    MEDAL = "medal"
    DIPLOMA = "diploma"
    CERTIFICATE = "certificate"
    PRIZE = "prize"
    OTHER = "other"
