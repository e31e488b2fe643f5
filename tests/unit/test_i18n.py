from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from congress.server.i18n import LOCALE_DIR, format_date, gettext, negotiate, using_locale

ROOT = Path(__file__).resolve().parents[2]


def test_negotiation_prefers_the_users_choice_then_the_browser() -> None:
    assert negotiate("ru-RU,ru;q=0.9,en;q=0.5") == "ru"
    assert negotiate("de-DE,en;q=0.8,ru;q=0.9") == "ru"
    assert negotiate("de-DE") == "en"
    assert negotiate("ru", preferred="en") == "en"
    assert negotiate(None) == "en"


def test_messages_and_dates_follow_the_locale() -> None:
    with using_locale("ru"):
        assert gettext("Log out") == "Выйти"
        assert format_date(dt.date(2026, 5, 8), "long") == "8 мая 2026\u202fг."
    with using_locale("en"):
        assert gettext("Log out") == "Log out"
        assert format_date(dt.date(2026, 5, 8), "long") == "May 8, 2026"


# The main pages of the workspace: these have a complete Russian translation.
MAIN_PAGES = [
    "manage/layout.html",
    "manage/login.html",
    "manage/overview.html",
    "manage/events/list.html",
    "manage/events/page.html",
    "manage/partials/event_nav.html",
    "manage/partials/conflicts.html",
    "manage/partials/agenda_item.html",
    "partials/forms.html",
    "error.html",
]


def test_main_pages_are_translated_to_russian() -> None:
    """Every message of the workspace's main pages has a Russian translation."""
    wanted = set()
    for name in MAIN_PAGES:
        found = extract_from_file(
            "jinja2",
            ROOT / "templates" / name,
            keywords={**DEFAULT_KEYWORDS, "N_": None},
            options={"extensions": "jinja2.ext.i18n"},
        )
        wanted |= {message if isinstance(message, str) else message[0] for _, message, *_ in found}
    with (LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="ru")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id
        and (m.string if isinstance(m.string, str) else all(m.string))
        and "fuzzy" not in m.flags
    }
    assert len(wanted) > 10
    assert sorted(wanted - translated) == []
