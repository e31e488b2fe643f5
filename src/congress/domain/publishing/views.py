"""What every public page's template receives: the language, its words, and text helpers."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from litestar import Request
from litestar.response import Template

from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.people.services import person_name
from congress.domain.publishing.labels import LABELS, Labels, language_name
from congress.server.security import current_user
from congress.translation import Translated, resolve

# Pages that belong to no single event (home, search, tags) offer the interface languages.
SITE_LANGUAGES = list(LABELS)


def choose_language(request: Request[Any, Any, Any], languages: Sequence[str]) -> str:
    """``?lang=`` when offered, else the browser's preference, else the first language."""
    asked = request.query_params.get("lang")
    if asked in languages:
        return str(asked)
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        ranked.append((-weight, index, tag.strip().lower().split("-")[0]))
    for _, _, language in sorted(ranked):
        if language in languages:
            return language
    return languages[0] if languages else "en"


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


class PageText:
    """Text helpers bound to one page's language and the event's fallback chain."""

    def __init__(self, lang: str, languages: Sequence[str], zone: dt.tzinfo) -> None:
        self.lang = lang
        self.languages = list(languages)
        self.zone = zone
        self.labels = Labels(lang)

    def tx(self, value: dict[str, str] | None) -> Translated:
        return resolve(value, self.lang, self.languages)

    def name(self, person: Person | None) -> str:
        return person_name(person, self.lang, self.languages) if person else ""

    def date(self, value: dt.date | dt.datetime, form: str = "long") -> str:
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.zone).date()
        return format_date(value, form, locale=self.lang)

    def time(self, value: dt.datetime) -> str:
        return format_time(value.astimezone(self.zone), "short", locale=self.lang)

    def datetime(self, value: dt.datetime) -> str:
        return format_datetime(value.astimezone(self.zone), "medium", locale=self.lang)

    def weekday(self, value: dt.date) -> str:
        return format_date(value, "EEEE, d MMMM y", locale=self.lang)

    def language_name(self, code: str | None) -> str:
        return language_name(code, self.lang) if code else ""

    def url(self, path: str) -> str:
        return with_lang(path, self.lang)


class RenderCache:
    """Recently rendered pages and exports with the data version they were made from.

    Per process and bounded; an entry is used only while ``data_version`` is unchanged, so a
    change anywhere in the event shows at once.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.items: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()

    def get(self, key: Any, version: Any) -> Any:
        found = self.items.get(key)
        if found is None or found[0] != version:
            return None
        self.items.move_to_end(key)
        return found[1]

    def put(self, key: Any, version: Any, value: Any) -> None:
        self.items[key] = (version, value)
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


def render_cache(request: Request[Any, Any, Any]) -> RenderCache:
    state = request.app.state
    if "publishing_cache" not in state:
        state["publishing_cache"] = RenderCache()
    cache: RenderCache = state["publishing_cache"]
    return cache


def render_html(request: Request[Any, Any, Any], template: Template) -> str:
    """A template response rendered to text here (to be cached)."""
    engine = request.app.template_engine
    assert engine is not None and template.template_name is not None
    return str(engine.get_template(template.template_name).render(**template.context))


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    event: Event | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    languages = event.languages if event else SITE_LANGUAGES
    lang = choose_language(request, languages)
    zone = zoneinfo.ZoneInfo(event.timezone) if event else dt.UTC
    text = PageText(lang, languages, zone)
    path = request.url.path
    alternates = [(code, language_name(code), with_lang(path, code)) for code in languages]
    return Template(
        f"public/{template}",
        status_code=status_code,
        context={
            "lang": lang,
            "languages": languages,
            "L": text.labels,
            "t": text,
            "event": event,
            "alternates": alternates,
            "canonical": str(request.base_url).rstrip("/") + path,
            "base_url": str(request.base_url).rstrip("/"),
            "user": current_user(request),
            "search_query": "",
            **context,
        },
    )
