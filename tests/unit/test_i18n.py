from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from congress.server.i18n import (
    LOCALE_DIR,
    format_date,
    format_datetime,
    format_time,
    gettext,
    negotiate,
    using_locale,
)

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


# The organizer workspace: every page, and the messages its code shows (flashes, labels,
# confirmations). All of it has a Russian translation.
WORKSPACE_TEMPLATES = [
    *sorted(
        str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates/manage").rglob("*.html")
    ),
    "partials/forms.html",
    "error.html",
]
WORKSPACE_CODE = [
    "src/congress/domain/accounts/controllers.py",
    "src/congress/domain/events/controllers.py",
    "src/congress/domain/people/controllers.py",
    "src/congress/domain/programme/controllers.py",
    "src/congress/server/deletion.py",
    "src/congress/server/forms.py",
    "src/congress/server/labels.py",
    "src/congress/domain/people/pickers.py",
]


def test_workspace_is_translated_to_russian() -> None:
    """Every message of the organizer workspace has a Russian translation."""
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    sources = [("jinja2", ROOT / "templates" / name) for name in WORKSPACE_TEMPLATES]
    sources += [("python", ROOT / name) for name in WORKSPACE_CODE]
    wanted = set()
    for method, path in sources:
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        found = extract_from_file(method, path, keywords=keywords, options=options)
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
    assert len(WORKSPACE_TEMPLATES) > 30 and len(wanted) > 300
    assert sorted(wanted - translated) == []


def test_russian_workspace_formats_dates_per_locale() -> None:
    moment = dt.datetime(2026, 5, 8, 7, 30, tzinfo=dt.UTC)
    with using_locale("ru"):
        assert (
            format_datetime(moment, "EEEE, d MMMM y", tz="Europe/Moscow") == "пятница, 8 мая 2026"
        )
        assert format_time(moment, tz="Europe/Moscow") == "10:30"
        assert gettext("The session was deleted.") == "Заседание удалено."
    with using_locale("en"):
        assert format_time(moment, tz="Europe/Moscow") == "10:30\u202fAM"
