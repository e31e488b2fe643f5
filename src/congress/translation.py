"""Translatable text: a mapping language -> text, read through a fallback chain.

The chain is: the requested language, then the event's primary language, then the event's other
languages in order, then any language present. The caller learns which language was served so
that pages can say when they fell back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Translated:
    text: str
    language: str | None
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.language is not None and self.language != self.requested

    def __str__(self) -> str:
        return self.text


def fallback_chain(requested: str, languages: Iterable[str] = ()) -> list[str]:
    chain = [requested]
    for language in languages:
        if language not in chain:
            chain.append(language)
    return chain


def resolve(
    value: Mapping[str, str] | None, requested: str, languages: Iterable[str] = ()
) -> Translated:
    """Pick the text for ``requested`` from ``value``; ``languages`` lists the event's, primary first."""
    if not value:
        return Translated("", None, requested)
    for language in fallback_chain(requested, languages):
        text = value.get(language)
        if text:
            return Translated(text, language, requested)
    for language, text in value.items():
        if text:
            return Translated(text, language, requested)
    return Translated("", None, requested)


def text(value: Mapping[str, str] | None, requested: str, languages: Iterable[str] = ()) -> str:
    return resolve(value, requested, languages).text


def install(env: Any) -> None:
    """Give a Jinja environment ``tr``: a translatable text in a language, as global and filter."""
    env.globals["tr"] = resolve
    env.filters["tr"] = lambda value, lang="en", languages=(): resolve(value, lang, languages).text
