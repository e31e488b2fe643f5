"""Words for the values of enums, as the staff pages show them (translated with ``_``).

``N_`` only marks a message for extraction; ``label()`` translates it when shown, in the
interface language.
"""

from __future__ import annotations

import enum

from congress.messages import N_
from congress.server.i18n import gettext

LABELS = {
    # roles
    "admin": N_("admin"),
    "organizer": N_("organizer"),
    "registrar": N_("registrar"),
    "editor": N_("editor"),
    # event status
    "draft": N_("draft"),
    "published": N_("published"),
    "cancelled": N_("cancelled"),
    "archived": N_("archived"),
    # session kinds
    "ceremony": N_("ceremony"),
    "plenary": N_("plenary"),
    "section": N_("section"),
    "round_table": N_("round table"),
    "reception": N_("reception"),
    "meeting": N_("meeting"),
    "excursion": N_("excursion"),
    "other": N_("other"),
    # presidium seat roles
    "chair": N_("chair"),
    "co_chair": N_("co-chair"),
    "secretary": N_("secretary"),
    "member": N_("member"),
    "guest_of_honour": N_("guest of honour"),
    # agenda item kinds
    "speech": N_("speech"),
    "award": N_("award"),
    "gift": N_("gift"),
    "performance": N_("performance"),
    "procedural": N_("procedural item"),
    "break": N_("break"),
    # speech kinds
    "greeting": N_("greeting"),
    "welcome": N_("welcome speech"),
    "report": N_("report"),
    "address": N_("address"),
    "statement": N_("statement"),
    # transcript status
    "original": N_("original"),
    "translation": N_("translation"),
    "interpretation": N_("interpretation"),
    # award kinds
    "badge": N_("badge"),
    "medal": N_("medal"),
    "diploma": N_("diploma"),
    "certificate": N_("certificate"),
    "prize": N_("prize"),
    # audit actions
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    # participant categories and statuses
    "candidate_member": N_("candidate member"),
    "delegate": N_("delegate"),
    "guest": N_("guest"),
    "observer": N_("observer / press"),
    "staff": N_("staff"),
    "invited": N_("invited"),
    "registered": N_("registered"),
    "accredited": N_("accredited"),
    "checked_in": N_("checked in"),
    "no_show": N_("no-show"),
    # organization kinds
    "embassy": N_("embassy"),
    "foundation": N_("foundation"),
    "party": N_("party"),
    "society": N_("society"),
    "club": N_("club"),
    "media": N_("media"),
    "committee": N_("committee"),
    "university": N_("university"),
    "government": N_("government"),
    "youth": N_("youth organization"),
    "ngo": N_("NGO"),
    "company": N_("company"),
    # record statuses (draft and published above), comment statuses, media kinds
    "review": N_("in review"),
    "pending": N_("waiting for moderation"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "spam": N_("spam"),
    "photo": N_("photo"),
    "document": N_("document"),
    "audio": N_("audio"),
    "video": N_("video"),
}


def label(value: object) -> str:
    key = value.value if isinstance(value, enum.Enum) else str(value)
    return gettext(LABELS.get(key, key.replace("_", " ")))
