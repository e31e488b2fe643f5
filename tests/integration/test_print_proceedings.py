"""The proceedings and the programme of the demo event, read back with pypdf."""

from __future__ import annotations

import asyncio
import io
import re

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.documents.render import render_pdf
from congress.domain.events.models import Event
from congress.domain.people.services import person_name
from congress.domain.programme.enums import AgendaItemKind
from congress.domain.programme.models import (
    AgendaItem,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.content import event_version
from congress.domain.publishing.models import MediaItem
from congress.domain.publishing.printing import (
    PROGRAMME_CSS,
    load_proceedings,
    proceedings_pdf,
    programme_html,
)
from congress.domain.registration.models import Participant
from congress.settings import Settings
from congress.translation import resolve
from tests.pdf import Pdf, squash


async def _speeches_and_seats(
    db: AsyncSession, event: Event
) -> tuple[list[Speech], list[PresidiumSeat]]:
    speeches = (
        await db.scalars(
            select(Speech)
            .join(AgendaItem)
            .join(Session)
            .where(Session.event_id == event.id)
            .options(selectinload(Speech.speakers).selectinload(SpeechSpeaker.person))
        )
    ).all()
    seats = (
        await db.scalars(
            select(PresidiumSeat)
            .join(Session)
            .where(Session.event_id == event.id)
            .options(selectinload(PresidiumSeat.person))
        )
    ).all()
    return list(speeches), list(seats)


def _assert_transcript(pdf: Pdf, text: str) -> None:
    """Each paragraph's start is in the PDF (a paragraph may continue on the next page)."""
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            assert squash(paragraph)[:30] in pdf.all, paragraph[:60]


def _toc_numbers(pdf: Pdf, titles: list[str], heading: str) -> dict[str, int]:
    """The page number printed after each title in the table of contents."""
    first = next(i for i, text in enumerate(pdf.pages) if heading in text)
    toc = "\n".join(pdf.pages[first : first + 3])
    toc = re.sub(r"(?:\s*\.){3,}", " ", toc)  # the leader dots
    numbers = {}
    for title in titles:
        pattern = r"\s*".join(map(re.escape, title.split())) + r"\s*(\d+)\s*$"
        match = re.search(pattern, toc, re.MULTILINE)
        assert match, f"{title!r} is not in the table of contents"
        numbers[title] = int(match.group(1))
    return numbers


async def test_proceedings_in_parts_and_whole(
    db: AsyncSession, demo: Event, settings: Settings
) -> None:
    book = await load_proceedings(db, demo, "ru")
    parts = await asyncio.to_thread(proceedings_pdf, book, settings, parallel=True)
    whole = await asyncio.to_thread(proceedings_pdf, book, settings, parallel=False)
    # Laying out in parts changes nothing in the page numbers.
    assert parts.pages == whole.pages
    assert {k: v for k, v in parts.numbers.items() if k in whole.numbers} == whole.numbers

    speeches, seats = await _speeches_and_seats(db, demo)
    titles = [session.title for session in book.event.sessions]
    for result in (parts, whole):
        pdf = Pdf(result.pdf)
        assert len(pdf.pages) == result.pages
        # The contents give the page where each session's chapter starts.
        for title, number in _toc_numbers(pdf, titles, "Содержание").items():
            assert (
                number
                == result.numbers[next(s.anchor for s in book.event.sessions if s.title == title)]
            )
            # The session starts there (sessions flow on: anywhere on the page).
            assert squash(title) in pdf.squashed[number - 1], title
        # A bookmark for each session, and page footers "N of M" on every page but the cover.
        outline = pdf.outline_titles()
        for title in titles:
            assert title in outline
        for number, text in enumerate(pdf.pages[1:], 2):
            assert f"Страница {number} из {result.pages}" in text
            assert text.count("Страница ") == 1, number  # its own footer, no other
        assert "Страница" not in pdf.pages[0]
        # Every speech and every presidium member of the demo appears.
        for speech in speeches:
            for speaker in speech.speakers:
                assert pdf.contains(person_name(speaker.person, "ru", demo.languages))
            transcript = resolve(speech.transcript, "ru", demo.languages).text
            _assert_transcript(pdf, transcript)
        for seat in seats:
            assert pdf.contains(person_name(seat.person, "ru", demo.languages))
        # The declaration's vote in the programme as held, in Russian, linking to its full
        # entry (a named destination in the whole book, a page across parts).
        held = next(i for i, text in enumerate(pdf.squashed) if "ПЕРЕКЛИЧКА" in text)
        assert squash("Поимённое голосование по делегациям") in pdf.squashed[held]
        assert squash("ТАКЖЕ ПРИСУТСТВОВАЛИ, БЕЗ ПОИМЁННОЙ РЕГИСТРАЦИИ") in pdf.all
        motion_page = next(v for k, v in result.numbers.items() if k.startswith("decision-motion"))
        assert motion_page - 1 in pdf.link_targets(held)
        # Metadata
        assert pdf.reader.trailer["/Root"]["/Lang"] == "ru"
        assert pdf.reader.metadata.title.startswith(book.event.name)
        assert pdf.reader.metadata.author


async def test_only_consenting_participants_are_listed(
    db: AsyncSession, demo: Event, settings: Settings
) -> None:
    book = await load_proceedings(db, demo, "en")
    listed = {member.name for delegation in book.delegations for member in delegation.members}
    participants = (
        await db.scalars(
            select(Participant)
            .where(Participant.event_id == demo.id)
            .options(selectinload(Participant.person))
        )
    ).all()
    refused = [p for p in participants if not p.consent_publication]
    assert refused, "the demo has participants who did not consent"
    for participant in participants:
        name = person_name(participant.person, "en", demo.languages)
        if not participant.consent_publication:
            assert name not in listed


async def test_chinese_transcripts_are_extractable(
    db: AsyncSession, demo: Event, settings: Settings
) -> None:
    # (Russian: test_proceedings_in_parts_and_whole reads every transcript in Russian.)
    speeches, _ = await _speeches_and_seats(db, demo)
    originals = [speech for speech in speeches if speech.transcript.get("zh")]
    assert originals, "the demo has Chinese transcripts"
    book = await load_proceedings(db, demo, "zh")
    result = await asyncio.to_thread(proceedings_pdf, book, settings, parallel=False)
    pdf = Pdf(result.pdf)
    for speech in originals:
        _assert_transcript(pdf, speech.transcript["zh"])
    assert pdf.reader.trailer["/Root"]["/Lang"] == "zh"


async def test_notes_photos_and_the_archive_variant(
    db: AsyncSession, demo: Event, settings: Settings
) -> None:
    session = (
        await db.scalars(
            select(Session).where(Session.event_id == demo.id).order_by(Session.planned_start)
        )
    ).first()
    assert session is not None
    item = AgendaItem(
        session_id=session.id, position=99, kind=AgendaItemKind.SPEECH, title={"en": "Late remark"}
    )
    db.add(item)
    await db.flush()
    db.add(
        Speech(
            agenda_item_id=item.id,
            language="ru",
            transcript={"ru": "Оригинальный текст реплики.", "en": "The translated remark."},
            transcript_status={"ru": "original", "en": "translation"},
        )
    )
    item2 = AgendaItem(
        session_id=session.id, position=100, kind=AgendaItemKind.SPEECH, title={"en": "Only German"}
    )
    db.add(item2)
    await db.flush()
    db.add(
        Speech(agenda_item_id=item2.id, language="de", transcript={"de": "Nur auf Deutsch gesagt."})
    )
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    image = io.BytesIO()
    Image.new("RGB", (300, 200), (20, 120, 200)).save(image, "PNG")
    (settings.media_dir / "opening.png").write_bytes(image.getvalue())
    db.add(
        MediaItem(
            event_id=demo.id,
            session_id=session.id,
            storage_key="opening.png",
            filename="opening.png",
            content_type="image/png",
            caption={"en": "The presidium at the opening"},
            credit="Press office",
        )
    )
    await db.commit()

    book = await load_proceedings(db, demo, "en")
    result = await asyncio.to_thread(proceedings_pdf, book, settings, archive=True)
    pdf = Pdf(result.pdf)
    root = pdf.reader.trailer["/Root"]
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()
    assert "/OutputIntents" in root
    assert root["/Lang"] == "en"
    assert pdf.contains("Translation from Russian")
    assert pdf.contains("The translated remark.")
    assert pdf.contains("Not available in English; shown in German")
    assert pdf.contains("Nur auf Deutsch gesagt.")
    assert pdf.contains("The presidium at the opening")
    assert len({image.data for page in pdf.reader.pages for image in page.images}) == 1


async def test_programme_single_and_bilingual(
    db: AsyncSession, demo: Event, settings: Settings
) -> None:
    _, seats = await _speeches_and_seats(db, demo)
    html = await programme_html(db, demo, "en", settings=settings)
    single = Pdf(
        (await asyncio.to_thread(render_pdf, html, settings, stylesheets=PROGRAMME_CSS)).pdf
    )
    for seat in seats:
        assert single.contains(person_name(seat.person, "en", demo.languages))
    html = await programme_html(db, demo, "en", second="zh", settings=settings)
    both = Pdf((await asyncio.to_thread(render_pdf, html, settings, stylesheets=PROGRAMME_CSS)).pdf)
    sessions = (await db.scalars(select(Session).where(Session.event_id == demo.id))).all()
    for session in sessions:
        assert both.contains(session.title["en"])
        assert both.contains(session.title["zh"])
    assert both.reader.trailer["/Root"]["/Lang"] == "en"
    # Bookmarks come from the first language only.
    assert all(session.title["zh"] not in both.outline_titles() for session in sessions)


async def test_event_version_changes_with_the_event(db: AsyncSession, demo: Event) -> None:
    before = await event_version(db, demo)
    demo.name = {**demo.name, "en": "Renamed"}
    await db.commit()
    assert await event_version(db, demo) != before
