"""Text widths from the fonts' real metrics (fontTools), for sizes chosen before layout.

A badge prints a name as large as fits its box: the size is computed here from the advance
widths of the glyphs of the font WeasyPrint will use (found through fontconfig, as WeasyPrint
finds it), so that a long name gets a smaller size instead of being broken inside a word.
Characters the first font lacks (Chinese in DejaVu Sans) are measured in the fallback font.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

PT_PER_MM = 72 / 25.4
# Kerning and shaping move a line's width by a little; sizes keep this much in hand.
SAFETY = 1.04


# Where Debian's packages (fonts-dejavu-core, fonts-noto-cjk) put the fonts documents use:
# asking fontconfig costs a process start, seconds on a busy machine.
KNOWN_FILES = {
    "DejaVu Sans:bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "DejaVu Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "Noto Sans CJK SC:bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "Noto Sans CJK SC": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}


def font_file(pattern: str) -> Path | None:
    """The file of the font ``pattern`` names (e.g. "DejaVu Sans:bold"): where Debian puts it,
    else the one fontconfig picks; None if there is none."""
    known = KNOWN_FILES.get(pattern)
    if known is not None and Path(known).is_file():
        return Path(known)
    return _font_file(pattern)


@lru_cache(maxsize=16)
def _font_file(pattern: str) -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "--format=%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) if found and Path(found).is_file() else None


class FontMetrics:
    """Advance widths of one font file, read glyph by glyph as they are asked for (a CJK
    font has tens of thousands of glyphs; a badge needs a few dozen)."""

    def __init__(self, path: Path) -> None:
        from fontTools.ttLib import TTCollection, TTFont

        if path.suffix.lower() in {".ttc", ".otc"}:
            self._font = TTCollection(str(path), lazy=True).fonts[0]
        else:
            self._font = TTFont(str(path), lazy=True)
        self.units_per_em = int(self._font["head"].unitsPerEm)
        self._cmap: dict[int, str] = self._font.getBestCmap() or {}
        self._widths: dict[str, float | None] = {}

    def width(self, char: str) -> float | None:
        """The advance of ``char`` in ems; None if the font has no glyph for it."""
        if char not in self._widths:
            glyph = self._cmap.get(ord(char))
            self._widths[char] = (
                None if glyph is None else self._font["hmtx"][glyph][0] / self.units_per_em
            )
        return self._widths[char]


@lru_cache(maxsize=16)
def metrics(pattern: str) -> FontMetrics | None:
    """The metrics of the font fontconfig picks for ``pattern`` (None without the font)."""
    path = font_file(pattern)
    return None if path is None else FontMetrics(path)


def text_width(text: str, size_pt: float, fonts: Sequence[str]) -> float:
    """Width in points of ``text`` at ``size_pt`` in the first of ``fonts`` that has each
    character (an em for a character none of them has)."""
    total = 0.0
    for char in text:
        for pattern in fonts:  # the fallback font is opened only when it is needed
            font = metrics(pattern)
            advance = None if font is None else font.width(char)
            if advance is not None:
                total += advance
                break
        else:
            total += 1.0
    return total * size_pt * SAFETY


def lines_needed(
    words: Sequence[str], size_pt: float, width_pt: float, fonts: Sequence[str]
) -> int:
    """How many lines ``words`` take in ``width_pt`` when broken only between words (0 if a
    word alone is wider than the line)."""
    space = text_width(" ", size_pt, fonts)
    lines, used = 0, 0.0
    for word in words:
        width = text_width(word, size_pt, fonts)
        if width > width_pt:
            return 0
        if lines and used + space + width <= width_pt:
            used += space + width
        else:
            lines, used = lines + 1, width
    return lines


def fitting_size(
    text: str,
    *,
    width_mm: float,
    largest_pt: float,
    smallest_pt: float,
    max_lines: int,
    fonts: Sequence[str],
    step_pt: float = 0.5,
) -> float:
    """The largest size from ``largest_pt`` down to ``smallest_pt`` (in ``step_pt`` steps) at
    which ``text`` fits ``max_lines`` lines of ``width_mm``, broken only between words;
    ``smallest_pt`` if none does (the text then wraps between words only, on more lines)."""
    words = text.split() or [""]
    width_pt = width_mm * PT_PER_MM
    size = largest_pt
    while size > smallest_pt:
        if 0 < lines_needed(words, size, width_pt, fonts) <= max_lines:
            return size
        size -= step_pt
    return smallest_pt
