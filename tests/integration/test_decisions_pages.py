"""The demo's decisions on the public session page and a record of that session: the roll
call, the adopted declaration with each delegation's votes, the elected committee, headcounts."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.decisions.models import Candidate, Election, Headcount, Motion, RollCall, Vote
from congress.domain.people.models import Person, Position
from congress.domain.registration.models import Delegation, Participant


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_demo_decisions_on_public_pages(
    client: AsyncTestClient, db: AsyncSession, demo: Any
) -> None:
    motion = (await db.execute(select(Motion).where(Motion.event_id == demo.id))).scalar_one()
    vote = (await db.execute(select(Vote).where(Vote.motion_id == motion.id))).scalar_one()
    roll = (await db.execute(select(RollCall))).scalar_one()
    assert roll.quorum_met and roll.present >= roll.quorum and vote.result.value == "adopted"
    assert vote.breakdown is not None
    assert all(
        row["votes_for"] + row["votes_against"] + row["abstaining"] <= row["held"]
        for row in vote.breakdown
    )
    assert 3 * vote.votes_for >= 2 * (vote.votes_for + vote.votes_against)

    for lang, heading, word in (
        ("en", "Decisions", "Adopted"),
        ("ru", None, None),
        ("de", None, None),
        ("zh", None, None),
    ):
        page = await client.get(
            f"/events/{demo.slug}/sessions/{motion.session_id}", params={"lang": lang}
        )
        assert page.status_code == 200
        text = _text(page.text)
        assert motion.title[lang] in text
        assert motion.adopted_text is not None
        for line in motion.adopted_text[lang].splitlines():
            assert line in text
        if heading:
            assert heading in text and word in text
            assert (
                f"{roll.present} of {roll.accredited} accredited delegates present; quorum {roll.quorum}"
                in text
            )
            assert (
                f"for {vote.votes_for}, against {vote.votes_against}, abstaining {vote.abstentions}"
                in text
            )
    # Every delegation's row, in the order of the breakdown.
    page = (await client.get(f"/events/{demo.slug}/sessions/{motion.session_id}")).text
    table = page.split('class="by-delegation"')[1].split("</table>")[0]
    rows = re.findall(
        r"<tr><td>(.*?)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", table
    )
    names = dict((await db.execute(select(Delegation.id, Delegation.name))).tuples().all())
    assert [(html.unescape(r[0]), *map(int, r[1:])) for r in rows] == [
        (
            names[row["delegation_id"]]["en"],
            row["held"],
            row["votes_for"],
            row["votes_against"],
            row["abstaining"],
        )
        for row in vote.breakdown
    ]
    # The elected, each with the position the election gave.
    election = (await db.execute(select(Election))).scalar_one()
    elected = (
        await db.execute(
            select(Person, Position)
            .join(Candidate, Candidate.person_id == Person.id)
            .join(Position, Position.id == Candidate.position_id)
            .where(Candidate.election_id == election.id, Candidate.elected)
        )
    ).all()
    assert len(elected) == election.seats == 9
    text = _text(page)
    for person, position in elected:
        assert person.family_name.get("en", next(iter(person.family_name.values()))) in text
        assert position.organization_id == election.body_id and position.start_date is not None
    assert "Round 2" in text and "Further round needed" in text

    # Headcounts of the opening ceremony, apart from the named participants.
    headcounts = (await db.execute(select(Headcount).order_by(Headcount.id))).scalars().all()
    opening = headcounts[0].session_id
    text = _text((await client.get(f"/events/{demo.slug}/sessions/{opening}")).text)
    assert "Also present, not registered by name" in text
    assert "Press: 12 — journalists from five countries" in text
    total = sum(h.count for h in headcounts if h.session_id == opening)
    assert f"Counted without names: {total}" in text


async def test_staff_decisions_screen(client: AsyncTestClient, db: AsyncSession, demo: Any) -> None:
    """An organizer takes a roll call, puts a motion, enters each delegation's votes on one
    screen and records an election round; a registrar only reads."""
    from congress.domain.accounts.enums import Role
    from tests.conftest import log_in, make_staff, post_form
    from tests.integration.test_decisions_api import _plenary

    organizer, _ = await make_staff(db, Role.ORGANIZER)
    registrar, _ = await make_staff(db, Role.REGISTRAR)
    session = await _plenary(db, demo.id)
    await log_in(client, registrar.email)
    page = await client.get(f"/manage/sessions/{session.id}/decisions")
    assert page.status_code == 200 and "Checked in now:" in page.text
    assert "Take the roll call" not in page.text
    refused = await post_form(client, f"/manage/sessions/{session.id}/decisions/roll-call", {})
    assert refused.status_code == 403

    client.cookies.clear()
    await log_in(client, organizer.email)
    base = f"/manage/sessions/{session.id}/decisions"
    assert (await post_form(client, f"{base}/roll-call", {})).status_code == 303
    bad = await post_form(client, f"{base}/roll-call", {"quorum_fraction": "3/2"})
    assert bad.status_code == 422 and "between 0" in bad.text
    assert (
        await post_form(
            client,
            f"{base}/motions",
            {"title": "On the agenda", "kind": "procedural", "text": "Adopt the agenda."},
        )
    ).status_code == 303
    motion = (
        await db.execute(select(Motion).where(Motion.title == {"en": "On the agenda"}))
    ).scalar_one()
    page = (await client.get(base)).text
    # The sheet is prefilled with the votes each delegation holds (its delegates present).
    sheet = re.findall(
        r'name="for_(\d+)" id="motion-\d+-for_\d+" type="number" min="0" max="(\d+)"'
        r' inputmode="numeric" value="(\d+)"',
        page,
    )
    names = dict((await db.execute(select(Delegation.id, Delegation.event_id))).tuples().all())
    assert sorted(int(d) for d, _, _ in sheet) == sorted(
        d for d, e in names.items() if e == demo.id
    )
    fields = [("method", "roll_call"), ("majority", "simple")]
    for delegation_id, held, _value in sheet:
        fields += [
            (f"for_{delegation_id}", held),
            (f"against_{delegation_id}", "0"),
            (f"abstain_{delegation_id}", "0"),
        ]
    over = [*fields[:2], (fields[2][0], "999"), *fields[3:]]
    refused = await post_form(client, f"/manage/motions/{motion.id}/vote", over)
    assert refused.status_code == 422 and "holds" in refused.text
    # The message stands beside the delegation's field, which keeps what was typed.
    first = fields[2][0]
    assert re.search(
        rf'name="{first}" id="motion-{motion.id}-{first}"[^>]* value="999"[^>]*'
        rf' aria-invalid="true" aria-describedby="motion-{motion.id}-{first}-error" autofocus>'
        rf'<span class="field-error" id="motion-{motion.id}-{first}-error">'
        rf"999 votes given, but the delegation holds {fields[2][1]}\.</span>",
        refused.text,
    ), refused.text
    # Not a number: said beside the field too, in the reader's language.
    typo = [*fields[:3], (fields[3][0], "-2"), *fields[4:]]
    refused = await post_form(client, f"/manage/motions/{motion.id}/vote", typo)
    assert refused.status_code == 422
    assert f'id="motion-{motion.id}-{fields[3][0]}-error">Enter a number of at least 0.' in (
        refused.text
    )
    recorded = await post_form(client, f"/manage/motions/{motion.id}/vote", fields)
    assert recorded.status_code == 303, recorded.text
    vote = (await db.execute(select(Vote).where(Vote.motion_id == motion.id))).scalar_one()
    assert (
        vote.votes_for == sum(int(held) for _, held, _ in sheet) and vote.result.value == "adopted"
    )
    page = (await client.get(base)).text
    assert "Adopted" in page and f"for {vote.votes_for}, against 0, abstaining 0" in page
    # A headcount and an election with one round.
    assert (
        await post_form(
            client,
            f"{base}/headcounts",
            {"category": "press", "count": "7", "note": "<script>alert(1)</script>"},
        )
    ).status_code == 303
    assert "&lt;script&gt;" in (await client.get(base)).text
    person_ids = list(
        (
            await db.execute(
                select(Participant.person_id).where(Participant.event_id == demo.id).limit(3)
            )
        ).scalars()
    )
    # The candidates (every participant) are listed only when the election form is opened.
    assert 'name="candidates"' not in (await client.get(base)).text
    opened = (await client.get(base, params={"add": "election"})).text
    assert all(f'<option value="{p}">' in opened for p in person_ids)
    created = await post_form(
        client,
        f"{base}/elections",
        [("title", "Tellers"), ("seats", "1"), *[("candidates", str(p)) for p in person_ids]],
    )
    assert created.status_code == 303
    election = (
        await db.execute(select(Election).where(Election.title == {"en": "Tellers"}))
    ).scalar_one()
    candidates = (
        (
            await db.execute(
                select(Candidate).where(Candidate.election_id == election.id).order_by(Candidate.id)
            )
        )
        .scalars()
        .all()
    )
    round_one = await post_form(
        client,
        f"/manage/elections/{election.id}/vote",
        {
            "round": "1",
            "ballots": "20",
            "spoilt": "0",
            f"votes_{candidates[0].id}": "15",
            f"votes_{candidates[1].id}": "5",
        },
    )
    assert round_one.status_code == 303
    await db.refresh(candidates[0])
    assert candidates[0].elected and candidates[0].position_id is not None


async def test_attendance_list_totals_count_headcounts(
    client: AsyncTestClient, db: AsyncSession, demo: Any
) -> None:
    from congress.domain.accounts.enums import Role
    from tests.conftest import make_staff
    from tests.pdf import Pdf, squash

    _, token = await make_staff(db, Role.REGISTRAR)
    headers = {"Authorization": f"Bearer {token}"}
    headcounts = (await db.execute(select(Headcount).order_by(Headcount.id))).scalars().all()
    opening = headcounts[0].session_id
    url = f"/manage/events/{demo.slug}/attendance.pdf"
    sheet = Pdf((await client.get(url, params={"session": opening}, headers=headers)).content)
    assert (
        squash("Also present, not registered by name: Press 12 · Observers 6 · Guests 40 (58)")
        in sheet.all
    )
    everything = Pdf((await client.get(url, headers=headers)).content)
    press = sum(h.count for h in headcounts if h.category.value == "press")
    observers = sum(h.count for h in headcounts if h.category.value == "observers")
    total = sum(h.count for h in headcounts)
    assert squash(f"Press {press} · Observers {observers} · Guests 40 ({total})") in everything.all


async def test_live_quorum_follows_the_check_ins(
    client: AsyncTestClient, db: AsyncSession, demo: Any, tokens: Any
) -> None:
    """The staff screen's figure, asked every few seconds: present delegates per delegation and
    in all against the quorum, for the roles that read decisions only; a check-in at the door
    shows at the next ask."""
    from congress.domain.accounts.enums import Role
    from congress.domain.checkin.enums import AttendanceState
    from congress.domain.checkin.models import Attendance
    from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
    from tests.conftest import log_in, make_staff
    from tests.integration.test_decisions_api import _expected_presence, _plenary

    session = await _plenary(db, demo.id)
    url = f"/manage/sessions/{session.id}/decisions/quorum"
    anonymous = await client.get(url, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    assert "present" not in anonymous.text

    editor, _ = await make_staff(db, Role.EDITOR)
    await log_in(client, editor.email)
    answer = await client.get(url)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    figures = answer.json()
    expected = await _expected_presence(db, demo.id, session.id)
    assert {
        row["delegation_id"]: (row["accredited"], row["present"])
        for row in figures["by_delegation"]
    } == expected
    accredited = sum(a for a, _ in expected.values())
    present = sum(p for _, p in expected.values())
    assert (figures["accredited"], figures["present"]) == (accredited, present)
    assert figures["quorum"] == accredited // 2 + 1
    assert figures["quorum_met"] is (present >= figures["quorum"])
    assert figures["text"] == (
        f"Checked in now: {present} of {accredited} accredited delegates;"
        f" quorum {figures['quorum']}"
    )
    assert (
        (await client.get(url, headers={"Accept-Language": "ru"}))
        .json()["text"]
        .startswith("Сейчас отмечены")
    )
    assert (await client.get("/manage/sessions/999999/decisions/quorum")).status_code == 404

    # A delegate not yet in the hall checks in at the door (through the API)…
    here = set(
        (
            await db.execute(
                select(Attendance.participant_id).where(
                    Attendance.session_id == session.id, Attendance.state == AttendanceState.PRESENT
                )
            )
        ).scalars()
    )
    arriving = (
        await db.execute(
            select(Participant)
            .where(
                Participant.event_id == demo.id,
                Participant.delegation_id.is_not(None),
                Participant.category == ParticipantCategory.DELEGATE,
                Participant.status.in_(
                    (ParticipantStatus.ACCREDITED, ParticipantStatus.CHECKED_IN)
                ),
                Participant.id.not_in(here),
            )
            .order_by(Participant.id)
            .limit(1)
        )
    ).scalar_one()
    checked = await client.post(
        f"/api/v1/events/{demo.slug}/check-ins",
        json={"participant_id": arriving.id, "session_id": session.id},
        headers=tokens[Role.REGISTRAR],
    )
    assert checked.status_code == 200, checked.text
    # …and the next ask counts them, in their delegation and in all.
    after = (await client.get(url)).json()
    assert after["present"] == present + 1
    row = next(r for r in after["by_delegation"] if r["delegation_id"] == arriving.delegation_id)
    assert row["present"] == expected[arriving.delegation_id][1] + 1
    # The page itself shows the figure of its load, and the script that keeps it current.
    page = (await client.get(f"/manage/sessions/{session.id}/decisions")).text
    assert after["text"] in page and '<script src="/static/js/quorum.js" defer>' in page
    assert f'data-live-quorum="{url}"' in page and 'aria-live="polite"' in page
    # Without script, the figure is counted again by reloading the screen.
    assert f'<a href="/manage/sessions/{session.id}/decisions#roll-call">Count again</a>' in page
