"""An empty query parameter on a page means "not given" (congress.server.query)."""

from __future__ import annotations

import pytest

from congress.server.query import without_empty_values


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (b"session=&group=delegation", b"group=delegation"),
        (b"status=&category=&delegation=", b""),
        (b"q=%D0%B4%D1%80&delegation=3", b"q=%D0%B4%D1%80&delegation=3"),
        (b"a==&b=", b"a=="),  # the value "=" is a value
        (b"flag&x=1&&", b"x=1"),
        (b"q=+", b"q=+"),  # a space is a value
    ],
)
def test_empty_values_are_left_out(sent: bytes, kept: bytes) -> None:
    assert without_empty_values(sent) == kept
