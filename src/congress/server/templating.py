"""Jinja environment: autoescaping everywhere, and the helpers every template may use.

Dates and times have one style everywhere (staff, desk and public pages): the functions below,
through Babel, in the language given (else the interface language) and the event's time zone.
A date reads "2 December 2026", a time "10:00" (as the language writes it), a moment
"2 December 2026, 10:00", a day "Wednesday, 2 December 2026".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import dates as babel_dates

from congress import translation
from congress.messages import N_
from congress.server import i18n
from congress.server.headers import csp_nonce
from congress.server.labels import LABELS, label


def _locale(lang: str | None) -> str:
    return (lang or i18n.current_locale()).replace("-", "_")


def _local(value: dt.datetime, tz: Any) -> dt.datetime:
    if tz is None:
        return value
    zone = babel_dates.get_timezone(tz) if isinstance(tz, str) else tz
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone)


def date_text(
    value: dt.date | dt.datetime | None, *, tz: Any = None, lang: str | None = None
) -> str:
    """A day: "2 December 2026" (a moment is read in ``tz``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, tz).date()
    return babel_dates.format_date(value, "long", locale=_locale(lang))


def time_text(
    value: dt.datetime | dt.time | None, *, tz: Any = None, lang: str | None = None
) -> str:
    """A time of day without seconds, in ``tz``: "10:00" (or "10:00 AM" where one writes so)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, tz).time()
    return babel_dates.format_time(value, "short", locale=_locale(lang))


def datetime_text(value: dt.datetime | None, *, tz: Any = None, lang: str | None = None) -> str:
    """A moment: "2 December 2026, 10:00"."""
    if value is None:
        return ""
    return i18n.messages.gettext_in(
        lang or i18n.current_locale(),
        "%(date)s, %(time)s",
        date=date_text(value, tz=tz, lang=lang),
        time=time_text(value, tz=tz, lang=lang),
    )


def weekday_text(
    value: dt.date | dt.datetime | None, *, tz: Any = None, lang: str | None = None
) -> str:
    """A day with its weekday: "Wednesday, 2 December 2026" (capitalised to stand alone)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, tz).date()
    text = babel_dates.format_date(value, "full", locale=_locale(lang))
    return text[:1].upper() + text[1:]


def date_range(start: dt.date | None, end: dt.date | None, *, lang: str | None = None) -> str:
    """Two days as one span: "2 December 2026 – 4 December 2026"."""
    if start is None or end is None or start == end:
        return date_text(start or end, lang=lang)
    return f"{date_text(start, lang=lang)} – {date_text(end, lang=lang)}"


def time_range(
    start: dt.datetime | None, end: dt.datetime | None, *, tz: Any = None, lang: str | None = None
) -> str:
    """Two times of one day: "10:00–11:30"."""
    return "–".join(
        part
        for part in (time_text(start, tz=tz, lang=lang), time_text(end, tz=tz, lang=lang))
        if part
    )


def zone_text(tz: str | None, *, lang: str | None = None, at: dt.datetime | None = None) -> str:
    """The time zone as a person names it: its city and offset, "Vienna (GMT+01:00)"."""
    if not tz:
        return ""
    zone = babel_dates.get_timezone(tz)
    moment = _local(at or dt.datetime.now(dt.UTC), zone)
    city = babel_dates.get_timezone_location(zone, locale=_locale(lang), return_city=True)
    offset = babel_dates.get_timezone_gmt(moment, locale=_locale(lang))
    return f"{city} ({offset})"


# Names of the fields a history shows most, in the interface language ("room" for room_id).
FIELD_WORDS = {
    "title": N_("title"),
    "name": N_("name"),
    "room_id": N_("room"),
    "person_id": N_("person"),
    "position_id": N_("position"),
    "organization_id": N_("organization"),
    "delegation_id": N_("delegation"),
    "session_id": N_("session"),
    "kind": N_("kind"),
    "status": N_("status"),
    "category": N_("category"),
    "role": N_("role"),
    "seat_number": N_("seat number"),
    "planned_start": N_("planned start"),
    "planned_end": N_("planned end"),
    "actual_start": N_("actual start"),
    "actual_end": N_("actual end"),
    "start_date": N_("start date"),
    "end_date": N_("end date"),
    "description": N_("description"),
    "family_name": N_("family name"),
    "given_name": N_("given name"),
    "email": N_("e-mail"),
    "badge_number": N_("badge number"),
    "notes": N_("notes"),
    "position": N_("place in the order"),
    # what a history entry is about (its entity, as "<entity>_id")
    "participant_id": N_("participant"),
    "event_id": N_("event"),
    "speech_id": N_("speech"),
    "agenda_item_id": N_("agenda item"),
    "presidium_seat_id": N_("presidium seat"),
    "award_id": N_("award"),
    "gift_id": N_("gift"),
    "venue_id": N_("venue"),
    "attendance_id": N_("attendance"),
    "record_id": N_("report"),
    "media_item_id": N_("photo"),
}


def field_word(key: str) -> str:
    """A changed field as a person names it."""
    if key in FIELD_WORDS:
        return i18n.gettext(FIELD_WORDS[key])
    return key.removesuffix("_id").replace("_", " ")


def history_value(value: Any, names: dict[Any, Any] | None = None, tz: Any = None) -> str:
    """A value of a history entry as a person reads it: a referenced record by its name, a
    translatable text in the interface language, a moment in ``tz``, a value of a list by its
    word; never a raw mapping or id."""
    if value is None or value == "" or value == {}:
        return "—"
    lang = i18n.current_locale()
    if names and value in names:
        value = names[value]
        if isinstance(value, str):
            return value
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    if isinstance(value, dict):
        return translation.resolve(value, lang).text or "—"
    if isinstance(value, list):
        return ", ".join(history_value(item, names, tz) for item in value)
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return label(value) if value in LABELS else value
        if "T" in value:
            return datetime_text(moment, tz=tz)
        return date_text(moment.date())
    return str(value)


def _filter(function: Any) -> Any:
    """A filter that also takes (and ignores) a Babel pattern, as older templates pass one."""

    def apply(value: Any, _format: str | None = None, **options: Any) -> str:
        return str(function(value, **options))

    return apply


def install_helpers(env: Any, **helpers: Any) -> None:
    """The helpers of every web page; ``helpers`` are the domain's own (the composition root
    passes them, as the toolkit knows no domain area)."""
    env.autoescape = True
    translation.install(env)
    i18n.install(env)
    env.filters["date"] = _filter(date_text)
    env.filters["time"] = _filter(time_text)
    env.filters["datetime"] = _filter(datetime_text)
    env.filters["weekday_date"] = _filter(weekday_text)
    env.filters["time_range"] = lambda pair, **options: time_range(*pair, **options)
    env.filters["date_range"] = lambda pair, **options: date_range(*pair, **options)
    env.filters["zone_name"] = zone_text
    env.globals["history_value"] = history_value
    env.globals["field_word"] = field_word
    env.globals["csp_nonce"] = csp_nonce
    env.globals["label"] = env.filters["label"] = label
    env.globals.update(helpers)
