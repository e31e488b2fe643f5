"""Interface languages: Babel message catalogues, the request's locale, locale-aware formats.

The locale of a request is chosen once (the staff user's own choice, else the browser's
Accept-Language, else the default) and kept in a context variable, so that ``_()`` works the
same in templates, controllers and services without passing the locale around.

The catalogues themselves, and the names of languages, are ``congress.messages``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from congress import messages

DEFAULT_LOCALE = "en"
# The staff interface's languages: English, the source of every message, and those whose
# catalogue is complete (tests/unit/test_i18n.py checks that every message is translated).
INTERFACE_LANGUAGES = ("en", "ru", "de", "zh")

_current: ContextVar[str] = ContextVar("congress_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> None:
    _current.set(locale if locale in INTERFACE_LANGUAGES else DEFAULT_LOCALE)


@contextmanager
def using_locale(locale: str) -> Iterator[None]:
    token = _current.set(locale if locale in INTERFACE_LANGUAGES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current.reset(token)


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """The interface language: the user's choice, else the best match of Accept-Language."""
    if preferred in INTERFACE_LANGUAGES:
        return str(preferred)
    if accept_language:
        weighted = []
        for part in accept_language.split(","):
            tag, _, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            weighted.append((quality, tag.strip().replace("_", "-").lower()))
        for _, tag in sorted(weighted, key=lambda pair: -pair[0]):
            if tag.split("-")[0] in INTERFACE_LANGUAGES:
                return tag.split("-")[0]
    return DEFAULT_LOCALE


def page_language(asked: str | None, accept_language: str | None, languages: Any) -> str:
    """A public page's language among ``languages`` (the event's): ``?lang=`` when offered, else
    the browser's preference, else the first language."""
    if asked in languages:
        return str(asked)
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        ranked.append((-weight, index, tag.strip().lower().split("-")[0]))
    for _, _, language in sorted(ranked):
        if language in languages:
            return language
    return str(languages[0]) if languages else DEFAULT_LOCALE


def gettext(message: str, **variables: Any) -> str:
    return messages.gettext_in(current_locale(), message, **variables)


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    return messages.ngettext_in(current_locale(), singular, plural, n, **variables)


def pgettext(context: str, message: str, **variables: Any) -> str:
    return messages.pgettext_in(current_locale(), context, message, **variables)


_ = gettext


def language_name(code: str, locale: str | None = None) -> str:
    """The name of a language (event languages) in the interface language."""
    return messages.language_name(code, locale or current_locale())


def format_date(value: dt.date | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, format=format, locale=current_locale())


def format_datetime(
    value: dt.datetime | None, format: str = "medium", tz: str | None = None
) -> str:
    if value is None:
        return ""
    return babel_dates.format_datetime(
        value, format=format, tzinfo=_zone(tz), locale=current_locale()
    )


def format_time(
    value: dt.datetime | dt.time | None, format: str = "short", tz: str | None = None
) -> str:
    if value is None:
        return ""
    zone = _zone(tz) if isinstance(value, dt.datetime) else None
    return babel_dates.format_time(value, format=format, tzinfo=zone, locale=current_locale())


def format_weekday_date(value: dt.date) -> str:
    return babel_dates.format_date(value, format="full", locale=current_locale())


def format_number(value: int | float) -> str:
    return babel_numbers.format_decimal(value, locale=current_locale())


def _zone(name: str | None) -> Any:
    return babel_dates.get_timezone(name) if name else None


def install(env: Any) -> None:
    """Give a Jinja environment ``_()``, ``ngettext()``, ``pgettext()`` and the locale filters."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)
    env.globals["current_locale"] = current_locale
    # For pages and documents in a language of their own (the public site, print): the words
    # name it, ``gettext_in(lang, "Programme")``; ``_()`` is always the interface language.
    env.globals["gettext_in"] = messages.gettext_in
    env.globals["ngettext_in"] = messages.ngettext_in
    env.globals["pgettext_in"] = messages.pgettext_in
    env.globals["interface_languages"] = INTERFACE_LANGUAGES
    env.globals["language_name"] = language_name
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    env.filters["time"] = format_time
    env.filters["weekday_date"] = format_weekday_date
    env.filters["number"] = format_number
    env.filters["language_name"] = language_name
    # Jinja's capitalize lowercases the rest ("Friday, 8 may"); dates need only the first letter.
    env.filters["capfirst"] = lambda text: str(text)[:1].upper() + str(text)[1:]
