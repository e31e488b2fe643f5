"""Staff roles: what a staff account may do.

Below every area: the web toolkit's guards, the domain's write path and each area's services
all ask for them.
"""

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"  # everything, manages users
    ORGANIZER = "organizer"  # plans events, people, programme
    REGISTRAR = "registrar"  # registration, accreditation, check-in
    EDITOR = "editor"  # transcripts, translations, media, publishing
