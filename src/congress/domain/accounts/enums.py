import enum


class Role(enum.StrEnum):
    ADMIN = "admin"  # everything, manages users
    ORGANIZER = "organizer"  # plans events, people, programme
    REGISTRAR = "registrar"  # registration, accreditation, check-in
    EDITOR = "editor"  # transcripts, translations, media, publishing


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
