"""The `congress` console script, run for real in a subprocess against a fresh database.

The database is a SQLite file in a temporary data folder, or an empty PostgreSQL database when the
suite runs with CONGRESS_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from congress.db.engine import make_engine
from congress.db.migrate import head_revision
from congress.demo import DEMO_SLUG
from congress.domain.accounts.models import AuditEntry, User
from congress.domain.events.models import Event
from congress.settings import Settings
from tests.conftest import IS_POSTGRES, _pg_admin, _pg_url

CONGRESS = Path(sys.executable).with_name("congress")


class Cli:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.cwd = cwd

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CONGRESS), *args],
            env={**self.env, **env},
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    @property
    def settings(self) -> Settings:
        return Settings(
            data_dir=Path(self.env["CONGRESS_DATA_DIR"]),
            database_url=self.env["CONGRESS_DATABASE_URL"],
        )

    def count(self, model: type[Any]) -> int:
        async def query() -> int:
            engine = make_engine(self.settings, poolclass=NullPool)
            try:
                async with engine.connect() as connection:
                    return int(
                        await connection.scalar(select(func.count()).select_from(model)) or 0
                    )
            finally:
                await engine.dispose()

        return asyncio.run(query())


@contextlib.contextmanager
def command_lines(tmp_path: Path) -> Iterator[Callable[[str], Cli]]:
    """Command lines on empty databases (not even migrated), each with its own data folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CONGRESS_") and key != "PYTHONPATH"
    }
    databases: list[str] = []

    def make(name: str) -> Cli:
        folder = tmp_path / name
        folder.mkdir()
        own = {**env, "CONGRESS_DATA_DIR": str(folder / "data"), "CONGRESS_DATABASE_URL": ""}
        if IS_POSTGRES:
            database = f"congress_cli_{uuid.uuid4().hex[:10]}"
            asyncio.run(_pg_admin(f'CREATE DATABASE "{database}"'))
            databases.append(database)
            own["CONGRESS_DATABASE_URL"] = _pg_url(database)
        return Cli(own, folder)

    try:
        yield make
    finally:
        for database in databases:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture
def new_cli(tmp_path: Path) -> Iterator[Callable[[str], Cli]]:
    with command_lines(tmp_path) as make:
        yield make


@pytest.fixture
def cli(new_cli: Callable[[str], Cli]) -> Cli:
    """The command line on an empty database (not even migrated)."""
    return new_cli("cli")


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("congress")
    for word in words:
        assert word in lines[0]


def test_db_upgrade_and_current(cli: Cli) -> None:
    head = head_revision(cli.settings)
    assert cli.ok("db", "current").strip() == f"empty (no revision): behind (latest is {head})"
    assert cli.ok("db", "upgrade").strip() == f"database at revision {head}"
    assert cli.ok("db", "current").strip() == f"{head}: up to date"


def test_demo_creates_the_database_and_replaces_the_demo(cli: Cli) -> None:
    assert cli.ok("demo").strip() == f"demo event loaded: /api/v1/events/{DEMO_SLUG}"
    assert cli.ok("demo").strip() == f"demo event loaded: /api/v1/events/{DEMO_SLUG}"
    assert cli.count(Event) == 1


BAD_USER_ARGUMENTS = {
    "bad role": (["--role", "boss", "--email", "a@example.org"], ["--role", "boss", "admin"]),
    "bad e-mail": (["--role", "admin", "--email", "not-an-address"], ["e-mail", "not-an-address"]),
    "short password": (["--role", "admin", "--email", "a@example.org", "--password", "short"], ["10"]),
    "duplicate": (["--role", "editor", "--email", "OLGA@example.org"], ["already exists"]),
    "missing role": (["--email", "a@example.org"], ["--role"]),
}  # fmt: skip


def test_user_create_and_bad_input(cli: Cli) -> None:
    assert cli.ok(
        "user", "create", "--role", "organizer", "--email", " Olga@Example.org ",
        "--password", "long enough password",
    ).strip() == "created organizer olga@example.org"  # fmt: skip
    for case, (args, words) in BAD_USER_ARGUMENTS.items():
        result = cli("user", "create", *args)
        assert result.returncode != 0, case
        assert_one_line_error(result, *words)
    assert cli.count(User) == 1


def test_user_create_writes_its_audit_entry(cli: Cli) -> None:
    """The command line creates accounts through the same audited path as the API."""
    cli.ok("user", "create", "--role", "editor", "--email", "Ann@Example.org", "--name", "Ann")
    cli.ok("user", "create", "--role", "admin", "--email", "root@example.org", "--password",
           "long enough password")  # fmt: skip

    async def entries() -> list[Any]:
        engine = make_engine(cli.settings, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                statement = select(AuditEntry.action, AuditEntry.entity, AuditEntry.user_id,
                                   AuditEntry.after).order_by(AuditEntry.id)  # fmt: skip
                return list((await connection.execute(statement)).all())
        finally:
            await engine.dispose()

    found = asyncio.run(entries())
    assert [(action, entity, user) for action, entity, user, _ in found] == [
        ("create", "user_account", None),
        ("create", "user_account", None),
    ]
    first, second = (after for *_, after in found)
    assert (first["email"], first["role"], first["name"]) == ("ann@example.org", "editor", "Ann")
    assert second["email"] == "root@example.org"
    # The password's hash stays out of the log.
    assert all("password_hash" not in after for after in (first, second))
    assert cli.count(User) == 2


def test_token_create_for_unknown_user(cli: Cli) -> None:
    assert_one_line_error(
        cli("token", "create", "--email", "nobody@example.org"), "nobody@example.org"
    )


def test_bad_setting_and_missing_command(cli: Cli) -> None:
    assert_one_line_error(cli("db", "current", CONGRESS_PORT="eighty"), "CONGRESS_PORT")
    assert_one_line_error(cli(), "COMMAND")
    assert_one_line_error(cli("db", "sideways"), "sideways")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]


@contextmanager
def serving(cli: Cli, log_path: Path, *options: str) -> Iterator[Server]:
    """`congress serve` as a real process on a free port, answering /health; stopped with
    SIGTERM (as a service manager stops it) when the block ends."""
    port = _free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(CONGRESS), "serve", *options, "--port", str(port)],
            env=cli.env,
            cwd=cli.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)
        yield Server(base, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_with_demo_and_a_token(cli: Cli, tmp_path: Path) -> None:
    cli.ok("user", "create", "--role", "admin", "--email", "admin@example.org")
    output = cli.ok("token", "create", "--email", "ADMIN@example.org", "--name", "cli test")
    token = output.strip().splitlines()[-1]
    assert token.startswith("cgt_") and " " not in token

    log_path = tmp_path / "serve.log"
    with serving(cli, log_path, "--demo") as server:
        base = server.base
        events = httpx.get(f"{base}/api/v1/events", timeout=10).json()
        assert [item["slug"] for item in events["items"]] == [DEMO_SLUG]

        users = httpx.get(
            f"{base}/api/v1/users", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert users.status_code == 200, users.text
        assert [user["email"] for user in users.json()["items"]] == ["admin@example.org"]
        anonymous = httpx.get(f"{base}/api/v1/users", timeout=10)
        assert anonymous.status_code == 401
    log_text = log_path.read_text()
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert server.process.returncode in (0, -signal.SIGTERM), log_text
    assert "Application shutdown complete" in log_text
    assert f"loaded the demo event: {DEMO_SLUG}" in log_text


def test_participants_import_checks_everything_first(cli: Cli, tmp_path: Path) -> None:
    from congress.domain.registration.models import Participant

    cli.ok("demo")
    before = cli.count(Participant)
    good = tmp_path / "list.csv"
    good.write_text(
        "Aigerim,Nurlanova,Ministry of Culture,Adviser,+7 701 000 00 00,aigerim@example.org\n"
        "Hans,Becker,Goethe Institute,Director,,hans.becker@example.org\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Aigerim,Nurlanova,Ministry of Culture,Adviser,,aigerim@example.org\n"
        "only,three,columns\n"
        "Hans,Becker,Goethe Institute,Director,,not-an-address\n",
        encoding="utf-8",
    )

    checked = cli.ok("participants", "import", DEMO_SLUG, str(good), "--check")
    assert "all 2 rows are good" in checked and "nothing imported" in checked
    assert cli.count(Participant) == before

    rejected = cli("participants", "import", DEMO_SLUG, str(bad))
    assert rejected.returncode == 1 and rejected.stdout == ""
    lines = rejected.stderr.strip().splitlines()
    assert lines[0].startswith("bad.csv:2: ") and lines[1].startswith("bad.csv:3: ")
    assert "e-mail" in lines[1]
    assert lines[-1].startswith("congress") and "nothing was imported: 2 rows" in lines[-1]
    assert cli.count(Participant) == before

    imported = cli.ok("participants", "import", DEMO_SLUG, str(good))
    assert imported.startswith(f"imported 2 participants into {DEMO_SLUG} from list.csv")
    assert cli.count(Participant) == before + 2

    assert_one_line_error(
        cli("participants", "import", "no-such-event", str(good)), "no-such-event"
    )
    assert_one_line_error(
        cli("participants", "import", DEMO_SLUG, str(tmp_path / "missing.csv")), "missing.csv"
    )


def test_help_lists_every_command(cli: Cli) -> None:
    text = cli.ok("--help")
    commands = ["serve", "db", "demo", "user", "token", "participants", "print", "export", "import"]
    for command in commands:
        assert command in text
        assert cli.ok(command, "--help").startswith(f"usage: congress {command}")


def test_print_every_document(cli: Cli, tmp_path: Path) -> None:
    cli.ok("demo")
    for document in ("programme", "proceedings", "attendance"):
        out = tmp_path / f"{document}.pdf"
        cli.ok("print", document, DEMO_SLUG, "--lang", "ru", "-o", str(out))
        assert out.read_bytes().startswith(b"%PDF-")
    # The progress bar has started by then: the error is the last line.
    refused = cli("print", "programme", "no-such-event", "-o", str(tmp_path / "no.pdf"))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().splitlines()[-1] == "congress: error: no event 'no-such-event'"


async def _set_author(settings: Settings, email: str) -> None:
    """The demo's record, written by a staff user (so that an export names one)."""
    from sqlalchemy import update

    from congress.domain.publishing.models import Record

    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            author = await connection.scalar(select(User.id).where(User.email == email))
            await connection.execute(update(Record).values(author_id=author))
    finally:
        await engine.dispose()


def _timed(run: Callable[..., str], *args: str) -> float:
    started = time.perf_counter()
    run(*args)
    return time.perf_counter() - started


def test_demo_export_and_import_lose_nothing(new_cli: Callable[[str], Cli], tmp_path: Path) -> None:
    """The demo event through `congress export` and `congress import` (as .json, then with
    photos as .zip) into new empty databases: every table, every row, every picture."""
    from congress.domain.publishing.archive import OWNED, SHARED
    from tests.archive_data import add_photos, assert_same_event, exported

    source = new_cli("source")
    source.ok("demo")
    source.ok("user", "create", "--role", "editor", "--email", "ed@example.org", "--name", "Ed")
    asyncio.run(_set_author(source.settings, "ed@example.org"))
    figures = {}

    as_json = tmp_path / "demo.json"
    figures["export .json"] = _timed(source.ok, "export", DEMO_SLUG, "-o", str(as_json))
    from_json = new_cli("from-json")
    figures["import .json"] = _timed(from_json.ok, "import", str(as_json))
    before = asyncio.run(exported(source.settings, DEMO_SLUG))
    assert_same_event(
        before,
        asyncio.run(exported(from_json.settings, DEMO_SLUG)),
        source.settings,
        from_json.settings,
    )

    asyncio.run(add_photos(source.settings, DEMO_SLUG, 4))
    as_zip = tmp_path / "demo.zip"
    figures["export .zip"] = _timed(source.ok, "export", DEMO_SLUG, "-o", str(as_zip))
    from_zip = new_cli("from-zip")
    figures["import .zip"] = _timed(from_zip.ok, "import", str(as_zip))
    before = asyncio.run(exported(source.settings, DEMO_SLUG))
    # Every table the export knows holds rows here: none is carried only on paper.
    assert {name for name, rows in before["tables"].items() if rows} == {"event", *OWNED, *SHARED}
    after = asyncio.run(exported(from_zip.settings, DEMO_SLUG))
    assert_same_event(before, after, source.settings, from_zip.settings)
    rows = sum(len(table_rows) for table_rows in before["tables"].values())
    print(
        f"\ndemo ({rows} rows, 4 photos): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in figures.items())
    )

    # The photos' files exist only in the archive: the JSON export is refused whole.
    source.ok("export", DEMO_SLUG, "-o", str(as_json))
    refused = new_cli("refused")
    assert_one_line_error(refused("import", str(as_json)), "ZIP", "nothing was imported")
    assert refused.count(Event) == 0
    # An event that is there already.
    assert_one_line_error(from_zip("import", str(as_zip)), "already holds", DEMO_SLUG, "--copy")
