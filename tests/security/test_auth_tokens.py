"""API tokens from the command line (real subprocesses): expiry, list, revoke; and what the
server answers to an expired or revoked token."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from congress.app import create_app
from congress.domain.accounts.models import ApiToken
from congress.domain.accounts.services import TOKEN_CACHE_SECONDS
from congress.settings import Settings


def congress(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGRESS_")}
    env["CONGRESS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "congress", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def ok(data_dir: Path, *args: str) -> str:
    done = congress(data_dir, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def failed(data_dir: Path, *args: str) -> str:
    done = congress(data_dir, *args)
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("congress: error: "), done.stderr
    return lines[0]


async def test_token_commands_and_expiry(tmp_path: Path) -> None:
    data = tmp_path / "data"
    email = "Ops@Example.org"
    ok(data, "user", "create", "--role", "admin", "--email", email, "--password", "x" * 12)
    created = ok(data, "token", "create", "--email", email, "--name", "desk", "--days", "7")
    assert "valid for 7 days" in created
    desk = created.strip().splitlines()[-1]
    laptop = ok(data, "token", "create", "--email", email, "--name", "laptop").splitlines()[-1]
    spare = ok(data, "token", "create", "--email", email, "--name", "spare").splitlines()[-1]

    listing = ok(data, "token", "list", "--email", email).splitlines()
    assert listing[0].split("\t") == ["token", "name", "state", "created", "expires"]
    rows = {row.split("\t")[1]: row.split("\t") for row in listing[1:]}
    assert set(rows) == {"desk", "laptop", "spare"}
    assert rows["desk"][0] == desk[:12] + "…"  # a prefix only: the list shows no secret
    assert desk not in "\n".join(listing)
    assert all(row[2] == "active" for row in rows.values())
    today = dt.datetime.now(dt.UTC).date()
    expires = {name: dt.date.fromisoformat(row[4][:10]) for name, row in rows.items()}
    assert (expires["desk"] - today).days in (6, 7)
    assert (expires["laptop"] - today).days in (89, 90)  # the default: 90 days

    assert "revoked 1 token" in ok(data, "token", "revoke", "--email", email, "--name", "laptop")
    assert "laptop\trevoked" in ok(data, "token", "list", "--email", email)
    assert "no active token named 'laptop'" in failed(
        data, "token", "revoke", "--email", email, "--name", "laptop"
    )
    assert "between 1 and 3650" in failed(data, "token", "create", "--email", email, "--days", "0")
    assert "no user with e-mail" in failed(data, "token", "list", "--email", "x@example.org")

    app = create_app(Settings(data_dir=data, database_url="", secret_key="s"))
    async with AsyncTestClient(app=app) as client:

        async def status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return int((await client.get("/api/v1/users", headers=headers)).status_code)

        assert await status(desk) == 200
        assert await status(laptop) == 401  # revoked
        async with app.state.engine.begin() as connection:
            await connection.execute(
                update(ApiToken)
                .where(ApiToken.name == "desk")
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
        # Changed behind the server's back: seen once its memory of the token runs out.
        await asyncio.sleep(TOKEN_CACHE_SECONDS)
        expired = await client.get("/api/v1/users", headers={"Authorization": f"Bearer {desk}"})
        assert expired.status_code == 401
        assert "expired" in expired.json()["detail"]
        assert await status(spare) == 200
    await app.state.engine.dispose()

    assert "desk\texpired" in ok(data, "token", "list", "--email", email)
    assert "revoked 1 token" in ok(data, "token", "revoke", "--email", email)  # all live ones
    assert "spare\trevoked" in ok(data, "token", "list", "--email", email)
