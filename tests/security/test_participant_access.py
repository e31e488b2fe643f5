"""Participant data: the JSON API and the staff pages admit the same roles (one guard table),
for every role and every participant, registration, attendance and check-in route; the audit
log shows no role what it may not read itself, and account details only to admins."""

# ruff: noqa: F811 (the registration tests' `world` fixture, imported and used by name)

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from congress.domain.accounts.enums import Role
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.programme.models import PresidiumSeat
from tests.conftest import log_in, make_staff
from tests.integration.test_route_guards import allowed_roles
from tests.registration_data import World, make_participant, world  # noqa: F401

PARTICIPANT_DATA = re.compile(
    r"participant|attendance|check-in|/desk/|/registration|badges|/manage/(events/[^/]+/)?delegations"
)
ROLES = [None, *Role]


async def setup(db: AsyncSession, world: World) -> dict[str, Any]:
    participant = await make_participant(
        db, world.event, "Nurlanova", "Aigerim", delegation=world.delegation, email="a@example.org"
    )
    attendance = Attendance(
        participant_id=participant.id, session_id=world.session.id, state=AttendanceState.PRESENT
    )
    db.add(attendance)
    # Seated on the presidium too: an editor may see the person, not their registration.
    db.add(
        PresidiumSeat(session_id=world.session.id, person_id=participant.person_id, seat_number=1)
    )
    await db.commit()
    return {
        "str": world.event.slug,
        "event": world.event.slug,
        "slug": world.event.slug,
        "item_id": participant.id,
        "participant_id": participant.id,
        "session_id": world.session.id,
        "delegation_id": world.delegation.id,
        "attendance": attendance.id,
        "person": participant.person_id,
        # An import's progress page, of an import nobody made: the guard answers before the 404.
        "digest": "0" * 64,
    }


def participant_routes(app: Litestar, ids: dict[str, Any]) -> list[tuple[str, set[Role] | None]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not PARTICIPANT_DATA.search(route.path):
            continue
        for handler in route.route_handlers:
            if "GET" not in handler.http_methods:
                continue
            guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
            path = re.sub(r"\{(\w+):\w+\}", lambda m: str(ids[m.group(1)]), route.path)
            if "/api/v1/attendances/" in route.path:
                path = f"/api/v1/attendances/{ids['attendance']}"
            found.append((path, allowed_roles(guards)))
    return found


async def test_every_role_gets_the_same_answer_from_api_and_pages(
    app: Litestar,
    db: AsyncSession,
    world: World,
    tokens: dict[Role, dict[str, str]],
) -> None:
    ids = await setup(db, world)
    routes = participant_routes(app, ids)
    paths = [path for path, _ in routes]
    assert any(p.startswith("/api/v1/events/") and p.endswith("/participants") for p in paths)
    assert any(p.startswith("/manage/events/") and p.endswith("/registration") for p in paths)
    assert len(routes) >= 15
    slug, session = world.event.slug, world.session.id
    # Each pair: the API's way and the pages' way to the same participant data.
    pairs = {
        "participants": (
            f"/api/v1/events/{slug}/participants",
            f"/manage/events/{slug}/registration",
        ),
        "one participant": (
            f"/api/v1/participants/{ids['item_id']}",
            f"/manage/events/{slug}/registration/participants/{ids['item_id']}",
        ),
        "attendance": (
            f"/api/v1/sessions/{session}/attendances",
            f"/manage/events/{slug}/registration/attendance?session={session}",
        ),
        "check-in": (
            f"/api/v1/events/{slug}/check-ins/counts",
            f"/desk/{slug}",
        ),
    }
    moved = {f"/manage/events/{slug}/registration/delegations"}
    failures: list[str] = []
    for role in ROLES:
        who = role.value if role else "anonymous"
        async with AsyncTestClient(app=app) as client:
            if role is not None:
                user, _ = await make_staff(db, role)
                await log_in(client, user.email)
            api_headers = tokens[role] if role else {}

            async def status(path: str, api_headers: dict[str, str] = api_headers) -> int:
                is_api = path.startswith("/api/")
                headers = api_headers if is_api else {"accept": "text/html"}
                answer = await client.get(path, headers=headers, follow_redirects=False)
                return answer.status_code

            for path, admitted in routes:
                got = await status(path)
                if role is None:
                    expected = {200} if admitted is None else {401, 303}
                elif admitted is None or role in admitted:
                    # An old address of a page that moved answers with a redirect to it.
                    expected = {301} if path in moved else {200}
                    if "/registration/import/" in path:
                        expected = {404}  # past the guard: no such import
                else:
                    expected = {403}
                if got not in expected:
                    failures.append(f"{who} GET {path}: {got}, expected {expected}")
            for name, (api, page) in pairs.items():
                api_ok, page_ok = await status(api) == 200, await status(page) == 200
                if api_ok != page_ok:
                    failures.append(f"{who} {name}: API {api_ok}, pages {page_ok}")
            if role is Role.EDITOR:
                # The editor may not read registrations through any door.
                for path in (pairs["participants"][0], pairs["one participant"][0]):
                    if await status(path) != 403:
                        failures.append(f"editor reads {path}")
        await app.state.engine.dispose()
    assert not failures, "\n".join(failures)


async def test_person_page_shows_registration_only_to_registrars(
    app: Litestar,
    db: AsyncSession,
    world: World,
) -> None:
    ids = await setup(db, world)
    for role, shows in [(Role.EDITOR, False), (Role.REGISTRAR, True), (Role.ORGANIZER, True)]:
        async with AsyncTestClient(app=app) as client:
            user, _ = await make_staff(db, role)
            await log_in(client, user.email)
            page = await client.get(
                f"/manage/people/{ids['person']}", headers={"accept": "text/html"}
            )
            assert page.status_code == 200
            assert "Presidium of" in page.text
            assert ("Participant:" in page.text) is shows, role
        await app.state.engine.dispose()


async def test_audit_log_keeps_to_the_same_table(
    app: Litestar,
    client: AsyncTestClient,
    db: AsyncSession,
    world: World,
    tokens: dict[Role, dict[str, str]],
) -> None:
    ids = await setup(db, world)
    admin, organizer = tokens[Role.ADMIN], tokens[Role.ORGANIZER]
    # An account made by an admin, with no name: its e-mail is all that would name it.
    quiet, quiet_token = await make_staff(db, Role.REGISTRAR, "quiet.registrar@example.org")
    quiet.name = ""
    await db.commit()
    made = await client.post(
        "/api/v1/users",
        json={"email": "new.editor@example.org", "role": "editor", "name": "New"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    changed = await client.patch(
        f"/api/v1/participants/{ids['item_id']}",
        json={"notes": "needs a wheelchair"},
        headers={"Authorization": f"Bearer {quiet_token}"},
    )
    assert changed.status_code == 200, changed.text

    async def entries(headers: dict[str, str], entity: str) -> int:
        answer = await client.get(
            "/api/v1/audit-entries", params={"entity": entity}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        return int(answer.json()["total"])

    assert await entries(admin, "user_account") == 1
    assert await entries(admin, "participant") == 1
    for role in (Role.ORGANIZER, Role.REGISTRAR, Role.EDITOR):
        assert await entries(tokens[role], "user_account") == 0, role
    assert await entries(organizer, "participant") == 1
    assert await entries(tokens[Role.EDITOR], "participant") == 0
    everything = await client.get(
        "/api/v1/audit-entries", params={"limit": 500}, headers=tokens[Role.EDITOR]
    )
    assert {item["entity"] for item in everything.json()["items"]}.isdisjoint(
        {"participant", "attendance", "user_account", "api_token"}
    )
    user_entry = (
        await client.get("/api/v1/audit-entries", params={"entity": "user_account"}, headers=admin)
    ).json()["items"][0]
    one = f"/api/v1/audit-entries/{user_entry['id']}"
    assert (await client.get(one, headers=organizer)).status_code == 404
    assert (await client.get(one, headers=admin)).status_code == 200
    await app.state.engine.dispose()

    # The event's history page: who changed what, without account details for non-admins.
    for role, sees_entry, sees_email in [
        (Role.EDITOR, False, False),
        (Role.ORGANIZER, True, False),
        (Role.ADMIN, True, True),
    ]:
        async with AsyncTestClient(app=app) as browser:
            user, _ = await make_staff(db, role)
            await log_in(browser, user.email)
            page = await browser.get(
                f"/manage/events/{world.event.slug}/history", headers={"accept": "text/html"}
            )
            assert page.status_code == 200
            assert ("needs a wheelchair" in page.text) is sees_entry, role
            assert ("quiet.registrar@example.org" in page.text) is sees_email, role
            if sees_entry and not sees_email:
                assert "a staff member" in page.text
        await app.state.engine.dispose()
