"""Test fixtures: a real database per test (SQLite file, or PostgreSQL when
CONGRESS_DATABASE_URL points at one), the app over real HTTP-shaped ASGI calls, staff tokens.

The schema is migrated once per run into a template (a file for SQLite, a template database for
PostgreSQL); each test gets a fresh copy of it. The demo event is loaded once per run into a
second template, which the tests that ask for ``demo_slug`` (or ``demo``) copy instead.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
import pytest
import uvicorn
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import NullPool

from congress.app import create_app
from congress.db.engine import make_engine
from congress.db.migrate import upgrade
from congress.demo import DEMO_SLUG, load_demo
from congress.domain.accounts.enums import Role
from congress.domain.accounts.models import User
from congress.domain.accounts.services import create_token, hash_password
from congress.domain.events.models import Event
from congress.domain.publishing.services import public_event
from congress.settings import Settings

BASE_URL = os.environ.get("CONGRESS_DATABASE_URL", "")
IS_POSTGRES = BASE_URL.startswith(("postgres", "postgresql"))
PASSWORD = "correct horse battery"

pytest_plugins = ["tests.registration_data"]


def _pg_url(database: str) -> str:
    url = make_url(Settings(database_url=BASE_URL).db_url)
    return url.set(database=database).render_as_string(hide_password=False)


async def _pg_admin(*statements: str) -> None:
    url = make_url(BASE_URL.replace("+asyncpg", ""))
    connection = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database that each test copies."""
    if IS_POSTGRES:
        name = f"congress_tpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        upgrade(Settings(database_url=_pg_url(name), data_dir=tmp_path_factory.mktemp("tpl")))
        yield name
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        data_dir = tmp_path_factory.mktemp("template")
        upgrade(Settings(data_dir=data_dir, database_url=""))
        yield str(data_dir / "congress.db")


async def _load_demo(settings: Settings) -> None:
    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as db:
            await load_demo(db)
            await db.commit()
    finally:
        # No connection may stay open: PostgreSQL copies a template only when nobody is on it.
        await engine.dispose()


@pytest.fixture(scope="session")
def demo_template(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A copy of the empty template with the demo event loaded, built once per run (per worker)."""
    data_dir = tmp_path_factory.mktemp("demo")
    if IS_POSTGRES:
        name = f"congress_demo_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        asyncio.run(_load_demo(Settings(database_url=_pg_url(name), data_dir=data_dir)))
        yield name
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        shutil.copyfile(template_database, data_dir / "congress.db")
        asyncio.run(_load_demo(Settings(data_dir=data_dir, database_url="")))
        yield str(data_dir / "congress.db")


@pytest.fixture
def settings(
    request: pytest.FixtureRequest, template_database: str, tmp_path: Path
) -> Iterator[Settings]:
    # A test that asks for the demo event starts from the demo template: loading the demo
    # takes seconds, copying it a fraction of one.
    wants_demo = "demo_slug" in request.fixturenames
    template = request.getfixturevalue("demo_template") if wants_demo else template_database
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if IS_POSTGRES:
        name = f"congress_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        yield Settings(database_url=_pg_url(name), data_dir=data_dir, secret_key="test-secret")
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        shutil.copyfile(template, data_dir / "congress.db")
        yield Settings(database_url="", data_dir=data_dir, secret_key="test-secret")


@pytest.fixture
def demo_slug() -> str:
    """The demo event is in this test's database (see ``settings``); its slug."""
    return DEMO_SLUG


@pytest.fixture
async def demo(demo_slug: str, db: AsyncSession) -> Event:
    """The demo event, with its venue and organizers loaded."""
    return await public_event(db, None, demo_slug)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client
    await app.state.engine.dispose()


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """A second engine on the test database, for setting up and checking data directly."""
    test_engine = make_engine(settings, poolclass=NullPool)
    yield test_engine
    await test_engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


@functools.cache
def password_hash() -> str:
    """One argon2 hash of PASSWORD for every test user (hashing is deliberately slow)."""
    return hash_password(PASSWORD)


async def make_staff(db: AsyncSession, role: Role, email: str | None = None) -> tuple[User, str]:
    """A staff user who can log in with PASSWORD, and an API token for them."""
    user = User(
        email=email or f"{role.value}-{uuid.uuid4().hex[:6]}@example.org",
        name=f"Test {role.value}",
        role=role,
        password_hash=password_hash(),
    )
    db.add(user)
    await db.flush()
    token = await create_token(db, user, "tests")
    await db.commit()
    return user, token


@pytest.fixture
async def tokens(db: AsyncSession) -> dict[Role, dict[str, str]]:
    """Authorization headers for one user of each role."""
    headers = {}
    for role in Role:
        _, token = await make_staff(db, role)
        headers[role] = {"Authorization": f"Bearer {token}"}
    return headers


@pytest.fixture
def admin(tokens: dict[Role, dict[str, str]]) -> dict[str, str]:
    return tokens[Role.ADMIN]


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(app: Litestar) -> Iterator[QueryCounter]:
    """Counts the SQL statements the app sends (reset ``.count`` before the measured request)."""
    counter = QueryCounter()
    sync_engine = app.state.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(sync_engine, "before_cursor_execute", counter)


# ---- a real server on a free port (browser tests, fuzzing, CLI) ----------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, settings: Settings) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(settings) as server:
        yield server


async def csrf_token(client: AsyncTestClient[Litestar]) -> str:
    """The CSRF token a page form would carry (the cookie is set by any safe request)."""
    if "congress_csrf" not in client.cookies:
        await client.get("/login")
    return str(client.cookies["congress_csrf"])


async def csrf_headers(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    """The header form of the CSRF token, for page posts that are not url-encoded forms."""
    return {"x-csrftoken": await csrf_token(client)}


async def log_in(client: AsyncTestClient[Litestar], email: str, password: str = PASSWORD) -> Any:
    """Log ``client`` in through the login form; the session cookie stays on the client."""
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={"email": email, "password": password, "next": "/manage", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text
    return response


async def post_form(
    client: AsyncTestClient[Litestar], url: str, data: dict[str, Any] | list[tuple[str, Any]]
) -> Any:
    """Post a page form as a browser would (with the CSRF token, without following redirects)."""
    token = await csrf_token(client)
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    return await client.post(
        url,
        content=urlencode([*fields, ("_csrf_token", token)]),
        headers={"content-type": "application/x-www-form-urlencoded", "accept": "text/html"},
        follow_redirects=False,
    )


# Tests that start `congress` as other processes (commands, servers, the S3 server): like the
# browser tests, they run once per CI run, in the PostgreSQL pass (see .ci/run).
MULTIPROCESS_MODULES = {
    "tests/integration/test_all_choices.py",
    "tests/integration/test_api_photos.py",
    "tests/integration/test_cli.py",
    "tests/integration/test_jobs_queue.py",
    "tests/integration/test_ops_processes.py",
    "tests/integration/test_print_layout.py",
    "tests/integration/test_stable_identifiers.py",
    "tests/integration/test_storage.py",
    "tests/scale/test_change_notifications.py",
    "tests/security/test_auth_server.py",
    "tests/security/test_auth_tokens.py",
    "tests/security/test_http_media.py",
    "tests/security/test_import_attacks.py",
    "tests/security/test_import_kill.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser and multi-process tests run once per CI run, on PostgreSQL: `.ci/run` sets
    CONGRESS_BROWSER_TESTS_ELSEWHERE for its SQLite pass (run alone, the suite runs them all)."""
    root = Path(str(config.rootpath))
    for item in items:
        if str(Path(str(item.path)).relative_to(root)) in MULTIPROCESS_MODULES:
            item.add_marker(pytest.mark.multiprocess)
    if IS_POSTGRES or not os.environ.get("CONGRESS_BROWSER_TESTS_ELSEWHERE"):
        return
    skip = pytest.mark.skip(
        reason="browser and multi-process tests run in the PostgreSQL pass of CI"
    )
    for item in items:
        # The API fuzz test drives the API's schemas, which are the same on both databases.
        fuzz = str(Path(str(item.path)).relative_to(root)).startswith("tests/fuzz/")
        if item.get_closest_marker("e2e") or item.get_closest_marker("multiprocess") or fuzz:
            item.add_marker(skip)
