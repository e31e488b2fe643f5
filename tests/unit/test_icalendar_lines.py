"""The iCalendar content lines written by the exporter: folded after at most 75 octets, never
inside a character or an escape, and read back unchanged."""

from __future__ import annotations

import icalendar

from congress.domain.publishing.exporters import _ical_fold, _ical_text


def unfold(data: bytes) -> str:
    return data.replace(b"\r\n ", b"").decode()


def test_short_lines_stay_as_they_are() -> None:
    assert _ical_fold("SUMMARY:Opening") == b"SUMMARY:Opening"


def test_long_lines_fold_at_character_boundaries() -> None:
    for text in ("Заседание: сотрудничество и дружба " * 6, "第二届国际友好大会" * 12, "x" * 300):
        line = f"SUMMARY:{_ical_text(text)}"
        folded = _ical_fold(line)
        physical = folded.split(b"\r\n")
        assert all(len(part) <= 75 for part in physical)
        assert all(part.startswith(b" ") for part in physical[1:])
        for part in physical:
            part.decode()  # no character cut in two
        assert unfold(folded) == line


def test_an_escape_is_not_split() -> None:
    # With 62 letters, the backslash that escapes the comma is the first line's 75th octet.
    for before in range(58, 66):
        text = "a" * before + ",;\\" + "b" * 90
        line = f"DESCRIPTION:{_ical_text(text)}"
        folded = _ical_fold(line)
        assert not any(part.endswith(b"\\") for part in folded.split(b"\r\n")), before
        assert unfold(folded) == line
        event = icalendar.Event.from_ical(b"BEGIN:VEVENT\r\n" + folded + b"\r\nEND:VEVENT\r\n")
        assert str(event["DESCRIPTION"]) == text
