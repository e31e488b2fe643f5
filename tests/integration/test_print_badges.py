"""Badges of the whole demo event over HTTP, read back with pypdf: every option of the form's
selects (the empty "everyone" ones included), every badge on its page, every name unbroken."""

from __future__ import annotations

import io
import math
import re

from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.people.services import person_name
from congress.domain.registration.enums import ParticipantStatus
from congress.domain.registration.models import Participant
from tests.conftest import log_in, make_staff

PER_PAGE = {"a4": 8, "card": 1}


def options(page: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert block is not None, select_id
    return re.findall(r'<option value="([^"]*)"', block.group(1))


def words(text: str) -> set[str]:
    return set(text.split())


async def test_badges_of_the_whole_demo_event(
    client: AsyncTestClient, db: AsyncSession, demo: Event
) -> None:
    participants = list(
        await db.scalars(
            select(Participant)
            .where(Participant.event_id == demo.id)
            .options(selectinload(Participant.person))
        )
    )
    lang = demo.primary_language
    name = {p.id: person_name(p.person, lang, demo.languages) for p in participants}
    user, _ = await make_staff(db, Role.REGISTRAR)
    await log_in(client, user.email)
    base = f"/manage/events/{demo.slug}/registration"
    form = await client.get(f"{base}/badges", headers={"accept": "text/html"})
    assert form.status_code == 200
    delegations = options(form.text, "badge-delegation")
    statuses = options(form.text, "badge-status")
    layouts = options(form.text, "badge-layout")
    assert delegations[0] == "" and len(delegations) > 2
    assert statuses[0] == "" and ParticipantStatus.CANCELLED.value not in statuses
    assert set(statuses[1:]) == {s.value for s in ParticipantStatus} - {"cancelled"}
    assert layouts == ["a4", "card"]

    def holders(delegation: str, status: str) -> list[Participant]:
        return [
            p
            for p in participants
            if (not delegation or p.delegation_id == int(delegation))
            and (p.status == status if status else p.status != ParticipantStatus.CANCELLED)
        ]

    async def badges(layout: str, delegation: str = "", status: str = "") -> list[str]:
        answer = await client.get(
            f"{base}/badges.pdf",
            params={"layout": layout, "delegation": delegation, "status": status},
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages]
        expected = holders(delegation, status)
        if not expected:
            assert len(pages) == 1 and "no badges to print" in pages[0]
            return pages
        assert len(pages) == math.ceil(len(expected) / PER_PAGE[layout]), (layout, status)
        # Every badge's name on the page it belongs to, each word whole (never hyphenated or
        # broken inside a word), in the order the sheet prints them.
        everything = "\n".join(pages)
        assert "\u00ad" not in everything and "\u2010" not in everything
        for participant in expected:
            assert any(words(name[participant.id]) <= words(page) for page in pages), name[
                participant.id
            ]
        return pages

    # Everyone who is not cancelled: the default of both selects, in both layouts.
    everyone = holders("", "")
    assert len(everyone) > 150
    sheets = await badges("a4")
    cards = await badges("card")
    assert len(cards) == len(everyone)
    # One badge per card: each card holds exactly its own name.
    counted = {
        n: sum(words(n) <= words(card) for card in cards)
        for n in map(name.get, (p.id for p in everyone))
    }
    assert all(count >= 1 for count in counted.values())
    assert len(sheets) == math.ceil(len(everyone) / 8) > 1
    # Each delegation (and the empty "everyone" choice again, with each status).
    for delegation in delegations[1:]:
        await badges("a4", delegation=delegation)
    for status in statuses[1:]:
        await badges("a4", status=status)
    await badges("card", delegation=delegations[1], status=statuses[1])

    # Untrusted values are refused, not crashed on.
    for bad in ("x", "-1", "0", "1" * 30, "1\x00", "cancelled'--"):
        answer = await client.get(f"{base}/badges.pdf", params={"delegation": bad})
        assert answer.status_code == 400, bad
        answer = await client.get(f"{base}/badges.pdf", params={"status": bad})
        assert answer.status_code == 400, bad
