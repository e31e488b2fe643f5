"""Word stems for full-text search: Snowball stemmers (PyStemmer) for the languages that have one.

Both databases search stems, so that "дружбы" finds "дружба" and "friends" finds "friend".
PostgreSQL stems with its own text search configurations (english, russian, german); SQLite has
no stemmer, so the application stems: the SQLite function ``congress_stems`` (registered on every
connection by ``db/engine.py``) turns the translatable JSON of a speech or record into the stems
its full-text index holds, and ``query_stems`` stems what a visitor typed the same way. The same
stems mark the hits in the snippets of both databases (``snippet``).

Languages without a stemmer here keep their words, lower-cased; Chinese and Japanese are not split
into words at all (the index matches their characters, see ``domain/publishing/search.py``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import Stemmer

# Interface language code -> Snowball algorithm (and PostgreSQL text search configuration).
STEMMED_LANGUAGES = {"en": "english", "ru": "russian", "de": "german"}
_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
CJK = re.compile(f"[{_CJK_CHARS}]")
# A word: a run of letters and digits, or one Chinese/Japanese character (they have no spaces).
WORD = re.compile(f"[{_CJK_CHARS}]|[^\\W{_CJK_CHARS}]+")
TAG = re.compile(r"<[^>]*>")
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


_local = threading.local()


def _stemmer(lang: str) -> Any:
    # A PyStemmer object is not to be shared between threads: SQLite calls congress_stems from
    # each connection's own thread.
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = Stemmer.Stemmer(STEMMED_LANGUAGES[lang])
    return stemmers[lang]


def fold(word: str) -> str:
    """Case-folded, with ё read as е (Russian writes both)."""
    return word.casefold().replace("ё", "е")


def stem(word: str, lang: str) -> str:
    """The stem of one word in a language (the word itself, folded, without a stemmer)."""
    folded = fold(word)
    if lang in STEMMED_LANGUAGES:
        return str(_stemmer(lang).stemWord(folded))
    return folded


def plain(text: str) -> str:
    """Text without HTML tags and character references (a record's body is HTML)."""
    return ENTITY.sub(" ", TAG.sub(" ", text))


def words(text: str) -> Iterator[re.Match[str]]:
    return WORD.finditer(text)


def stems_of(values: dict[str, Any]) -> Iterator[str]:
    """The stems of a translatable value ({language: text}), each text in its own language."""
    for lang, text in values.items():
        if not isinstance(text, str) or not text:
            continue
        for match in words(plain(text)):
            if not CJK.search(match.group()):
                yield stem(match.group(), str(lang))


def congress_stems(*documents: str | None) -> str:
    """The SQLite function: the stems of translatable JSON values, each between spaces (so that
    the trigram index matches a whole stem: `" friend "` is not found in `" friendship "`)."""
    found: list[str] = []
    for document in documents:
        if not document:
            continue
        try:
            values = json.loads(document)
        except ValueError:
            continue
        if isinstance(values, dict):
            found.extend(stems_of(values))
    return " " + " ".join(found) + " " if found else ""


def congress_fold(text: str | None) -> str:
    """The SQLite function: case folding that knows every script (SQLite's lower() knows ASCII)."""
    return fold(text or "")


def register(dbapi_connection: Any) -> None:
    """Make the functions the full-text index's triggers and the search call on SQLite."""
    dbapi_connection.create_function("congress_stems", -1, congress_stems, deterministic=True)
    dbapi_connection.create_function("congress_fold", 1, congress_fold, deterministic=True)


def query_stems(term: str) -> set[str]:
    """Every stem a word of the query may have: its language is not known, so all of them."""
    folded = fold(term)
    return {folded} | {stem(folded, lang) for lang in STEMMED_LANGUAGES}


def is_cjk(text: str) -> bool:
    return bool(CJK.search(text))


SNIPPET_WORDS = 30
START, STOP = "\x02", "\x03"


def snippet(
    texts: Iterable[tuple[str, str]], terms: list[str], *, length: int = SNIPPET_WORDS
) -> str:
    """About ``length`` whole words around the first hit, the hits between START and STOP.

    ``texts`` are (language, text) pairs, the preferred language first; the first text with a hit
    gives the snippet (the first text when none has one). Words match by stem, in the text's own
    language; Chinese and Japanese terms match as characters.
    """
    wanted = (
        set().union(*(query_stems(term) for term in terms if not is_cjk(term))) if terms else set()
    )
    characters = [term for term in terms if is_cjk(term)]
    first: tuple[str, str] | None = None
    for lang, raw in texts:
        text = " ".join(plain(raw).split())
        if not text:
            continue
        if first is None:
            first = (lang, text)
        marked = _mark(text, lang, wanted, characters)
        if marked is not None:
            return _window(text, marked, length)
    if first is None:
        return ""
    return _window(first[1], [], length)


def _mark(
    text: str, lang: str, wanted: set[str], characters: list[str]
) -> list[tuple[int, int]] | None:
    spans: list[tuple[int, int]] = []
    for term in characters:
        spans.extend(found.span() for found in re.finditer(re.escape(term), text))
    if wanted:
        for match in words(text):
            word = match.group()
            if not is_cjk(word) and (stem(word, lang) in wanted or fold(word) in wanted):
                spans.append(match.span())
    return sorted(spans) or None


def _window(text: str, spans: list[tuple[int, int]], length: int) -> str:
    """Whole words around the first span (or the start), with START/STOP around every span."""
    bounds = [match.span() for match in words(text)]
    if not bounds:
        return text[:200]
    if sum(1 for start, _end in bounds if CJK.match(text, start)) * 2 > len(bounds):
        length *= 2  # characters of Chinese or Japanese: twice as many make as much to read
    at = 0
    if spans:
        at = next((i for i, (_s, end) in enumerate(bounds) if end > spans[0][0]), 0)
    begin = max(0, min(at - length // 3, len(bounds) - length))
    end = min(len(bounds), begin + length)
    start_char = 0 if begin == 0 else bounds[begin][0]
    stop_char = len(text) if end == len(bounds) else bounds[end - 1][1]
    # Keep the punctuation that closes the last word's sentence.
    if end < len(bounds) and stop_char < len(text) and text[stop_char] in ".!?。！？…":
        stop_char += 1
    out: list[str] = []
    cursor = start_char
    for span_start, span_end in spans:
        if span_start < start_char or span_end > stop_char:
            continue
        out.append(text[cursor:span_start])
        out.append(START + text[span_start:span_end] + STOP)
        cursor = span_end
    out.append(text[cursor:stop_char])
    return ("…" if start_char > 0 else "") + "".join(out) + ("…" if stop_char < len(text) else "")
