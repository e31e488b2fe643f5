"""The wheel (what the Dockerfile installs) carries the templates, static files and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import IS_POSTGRES

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(IS_POSTGRES, reason="packaging does not depend on the database")


def test_wheel_bundles_the_project_folders(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("congress-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {"congress/_data/alembic.ini", "congress/_data/migrations/env.py"}
    for folder in ("templates", "static", "migrations/versions"):
        for path in (REPO / folder).iterdir():
            if path.is_file() and path.suffix != ".pyc":
                expected.add(f"congress/_data/{folder}/{path.name}")
    assert expected <= names, sorted(expected - names)
    assert "congress/__main__.py" in names
    # The interface words: .po catalogues, compiled in memory when first used.
    for lang in ("ru", "de", "zh"):
        assert f"congress/locale/{lang}/LC_MESSAGES/messages.po" in names
    assert not any(name.startswith(("tests/", "congress/_data/tests")) for name in names)
