"""The fallback chain of translatable text: requested → event's primary → other event languages → any."""

from __future__ import annotations

from congress.translation import fallback_chain, resolve

EVENT_LANGUAGES = ["ru", "en", "zh", "de"]


def test_requested_language_wins() -> None:
    served = resolve({"ru": "Привет", "en": "Hello"}, "en", EVENT_LANGUAGES)
    assert (served.text, served.language, served.is_fallback) == ("Hello", "en", False)


def test_falls_back_to_primary_language() -> None:
    served = resolve({"ru": "Привет", "en": "Hello"}, "de", EVENT_LANGUAGES)
    assert (served.text, served.language, served.is_fallback) == ("Привет", "ru", True)


def test_then_other_event_languages_in_order() -> None:
    served = resolve({"de": "Hallo", "zh": "你好"}, "fr", EVENT_LANGUAGES)
    assert served.language == "zh"


def test_then_any_language_present() -> None:
    served = resolve({"fr": "Bonjour"}, "en", EVENT_LANGUAGES)
    assert (served.text, served.language, served.is_fallback) == ("Bonjour", "fr", True)


def test_empty_texts_are_skipped() -> None:
    served = resolve({"en": "", "ru": "Привет"}, "en", ["en", "ru"])
    assert served.language == "ru"


def test_nothing_to_serve() -> None:
    served = resolve({}, "en", EVENT_LANGUAGES)
    assert (served.text, served.language, served.is_fallback) == ("", None, False)
    assert resolve(None, "en").text == ""


def test_chain_has_no_repeats() -> None:
    assert fallback_chain("en", ["ru", "en", "zh"]) == ["en", "ru", "zh"]
