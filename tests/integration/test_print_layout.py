"""The proceedings and the programme of the whole demo event as `congress print` writes them,
read back with pypdf and pikepdf: no nearly empty pages, agenda items once, each affiliation
once, page labels, and the PDF/A claims of the archive variant."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.demo import DEMO_SLUG
from congress.domain.events.models import Event
from congress.domain.programme.models import Session
from congress.messages import gettext_in
from congress.settings import Settings
from tests.pdf import squash

CONGRESS = Path(sys.executable).with_name("congress")
# A page that is not the last of its chapter is full: more than this many characters.
FULL = 900


def congress_print(settings: Settings, tmp: Path, *args: str) -> bytes:
    out = tmp / f"{'-'.join(args)}.pdf"
    env = {
        **os.environ,
        "CONGRESS_DATA_DIR": str(settings.data_dir),
        "CONGRESS_DATABASE_URL": settings.database_url or "",
    }
    done = subprocess.run(
        [str(CONGRESS), "print", *args, DEMO_SLUG, "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def labels(data: bytes) -> list[str]:
    return list(PdfReader(io.BytesIO(data)).page_labels)


async def test_proceedings_and_programme_of_the_demo_event(
    demo_slug: str, demo: Event, db: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    sessions = list(await db.scalars(select(Session).where(Session.event_id == demo.id)))
    for lang, chapters in (
        (
            "en",
            (
                "Contents",
                "The programme as held",
                "Decisions",
                "Participants by delegation",
                "Index of speakers",
            ),
        ),
        (
            "ru",
            (
                "Содержание",
                "Программа (как проведено)",
                "Решения",
                "Участники по делегациям",
                "Указатель",
            ),
        ),
    ):
        data = congress_print(settings, tmp_path, "proceedings", "--lang", lang)
        pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
        # Was 24 pages with 8 nearly empty ones; sessions now flow on.
        assert len(pages) <= 17, len(pages)
        # Where chapters start: the cover, the named chapters, and the first session.
        first_session = min(sessions, key=lambda s: s.planned_start).title[lang]
        starts = {0}
        for index, text in enumerate(pages):
            head = squash(text[:200])
            if any(head.startswith(squash(title)[:12]) for title in chapters):
                starts.add(index)
            if head.startswith(squash(first_session)) and index > 3:
                starts.add(index)
        assert len(starts) >= len(chapters) + 1, starts
        # Every page before the next chapter's start is full (a chapter's last page may not be).
        for index, text in enumerate(pages):
            last_of_chapter = index + 1 in starts or index == len(pages) - 1
            if not last_of_chapter:
                assert len(text) > FULL, (lang, index + 1, text[:200])
        whole = squash("".join(pages))
        for session in sessions:
            assert squash(session.title[lang]) in whole
        # Each affiliation once on the line of a speaker.
        text = "\n".join(pages)
        assert "Austria; on behalf of Embassy" not in text
        assert "in Austria, Embassy of" not in text
        if lang == "ru":
            assert "от имени Посольство" not in text
        # Page labels match the printed "Page N of M" (the cover, page 1, prints none).
        assert labels(data) == [str(n) for n in range(1, len(pages) + 1)]
        for number, page in enumerate(pages[1:], start=2):
            footer = gettext_in(lang, "Page %(n)s of %(m)s", n=number, m=len(pages))
            assert squash(footer) in squash(page), (lang, number)

    # The archival variant: labels, and the PDF/A claims still true (checked with pikepdf).
    archive = congress_print(settings, tmp_path, "proceedings", "--archive")
    with pikepdf.open(io.BytesIO(archive)) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp.pdfa_status.startswith("3")
        assert len(pdf.Root.OutputIntents) >= 1
        assert "/DestOutputProfile" in pdf.Root.OutputIntents[0]
        assert "/PageLabels" in pdf.Root
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendants = font.get("/DescendantFonts")
                target = descendants[0] if descendants is not None else font
                if font.get("/Subtype") == "/Type3":
                    continue
                descriptor = target.FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert labels(archive) == [str(n) for n in range(1, len(labels(archive)) + 1)]

    # The programme: short days share pages, every session is there, labels as printed.
    programme = congress_print(settings, tmp_path, "programme")
    reader = PdfReader(io.BytesIO(programme))
    days = {session.planned_start.date() for session in sessions}
    assert len(reader.pages) - 1 < len(days)  # after the cover, fewer pages than days
    text = squash("".join(page.extract_text() for page in reader.pages))
    for session in sessions:
        assert squash(session.title["en"]) in text
    assert labels(programme) == [str(n) for n in range(1, len(reader.pages) + 1)]
