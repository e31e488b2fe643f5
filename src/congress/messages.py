"""Interface words: the gettext catalogues (Babel) and the names of languages (CLDR).

Every word a person reads around the content — staff pages, the public site, printed documents,
the values of enums — is an English message translated through the catalogues in
``src/congress/locale/<lang>/LC_MESSAGES/messages.po``. A language without a catalogue, or a
message without a translation, shows the English message.

This module knows no request: ``gettext_in(lang, …)`` translates into the language it is given.
The web toolkit (``server/i18n.py``) chooses the language of a request; the public site and the
printed documents use the language of the page or the document.

Catalogues are kept as ``.po`` files only and compiled in memory on first use: no build step,
and nothing binary in the repository or the wheel.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang``'s language ("de-AT" reads "de"); none for other names."""
    base = lang.split("-")[0].lower()
    path = LOCALE_DIR / base / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not base.isalpha() or not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=base, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext_in(lang: str, message: str, **variables: Any) -> str:
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def ngettext_in(lang: str, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def pgettext_in(lang: str, context: str, message: str, **variables: Any) -> str:
    """A message that one audience words differently (``context`` tells them apart)."""
    text = str(translations(lang).pgettext(context, message))
    return text % variables if variables else text


def language_name(code: str, in_language: str, *, capitalized: bool = True) -> str:
    """The name of language ``code`` in ``in_language`` ("Russian", "Русский", "俄文"…).

    Capitalized to stand alone (a menu, a chip); ``capitalized=False`` for inside a sentence,
    where some languages write it in lower case ("с языка: английский").
    """
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(
            Locale.parse(in_language.replace("-", "_"))
        )
    except (ValueError, UnknownLocaleError):
        return code
    if not name:
        return code
    return name[:1].upper() + name[1:] if capitalized else name
