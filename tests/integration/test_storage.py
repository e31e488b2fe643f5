"""The storage interface, both backends, with the same checks: the local folder (the default)
and an S3-compatible store (moto's standalone server as a real process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from congress.settings import Settings
from congress.storage import LocalStorage, ObjectStorage, Storage, open_storage
from tests.s3 import S3Server, s3_server


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


def _s3_settings(s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in s3.env("one/two").items():
        monkeypatch.setenv(name, value)
    return Settings(data_dir=tmp_path)


@pytest.fixture(params=["local", "s3"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Storage]:
    if request.param == "local":
        settings = Settings(data_dir=tmp_path, storage_url="")
    else:
        settings = _s3_settings(request.getfixturevalue("s3"), tmp_path, monkeypatch)
    return {area: open_storage(settings, area) for area in ("media", "cache", "private")}


def test_the_same_behaviour_on_both_backends(stores: dict[str, Storage]) -> None:
    media, cache, private = stores["media"], stores["cache"], stores["private"]
    for storage in stores.values():
        storage.check()
    photo = b"\xff\xd8\xff" + bytes(range(256)) * 4000  # 1 MB, every byte value
    media.save("demo/a.jpg", photo)
    media.save("thumbs/demo/a.jpg", b"small")
    media.save("demo/b.jpg", b"second")
    assert media.read("demo/a.jpg") == photo
    assert media.exists("demo/a.jpg") and not media.exists("demo/c.jpg")
    # The areas are apart: the same key in another area is another file.
    assert not cache.exists("demo/a.jpg") and not private.exists("demo/a.jpg")
    private.save("badges/1.pdf", b"%PDF personal")
    assert list(private.names()) == ["badges/1.pdf"]
    assert list(media.names()) == ["demo/a.jpg", "demo/b.jpg", "thumbs/demo/a.jpg"]
    assert list(media.names("demo/")) == ["demo/a.jpg", "demo/b.jpg"]
    media.save("demo/b.jpg", b"replaced")
    assert media.read("demo/b.jpg") == b"replaced"
    media.delete("demo/b.jpg")
    media.delete("demo/b.jpg")  # deleting what is gone is no error
    assert not media.exists("demo/b.jpg")
    with pytest.raises(OSError):
        media.read("demo/b.jpg")
    for bad in ("../secret_key", "/etc/passwd", "demo/../../x", ""):
        with pytest.raises(ValueError):
            media.save(bad, b"x")
    assert not cache.exists("print/1/x.pdf")


def test_the_s3_backend_writes_under_its_prefix(
    s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _s3_settings(s3, tmp_path, monkeypatch)
    media = open_storage(settings, "media")
    assert isinstance(media, ObjectStorage)
    media.save("ev/p.jpg", b"x")
    assert "one/two/media/ev/p.jpg" in s3.objects()
    assert media.local_path("ev/p.jpg") is None
    # Nothing was written to the data folder.
    assert not any(tmp_path.rglob("p.jpg"))


def test_the_local_backend_is_the_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    media = open_storage(settings, "media")
    assert isinstance(media, LocalStorage) and media.root == (tmp_path / "media").resolve()
    media.save("ev/p.jpg", b"x")
    assert (tmp_path / "media" / "ev" / "p.jpg").read_bytes() == b"x"
    assert media.local_path("ev/p.jpg") == (tmp_path / "media" / "ev" / "p.jpg").resolve()


def test_a_storage_url_that_is_not_s3_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="s3://"):
        Settings(data_dir=tmp_path, storage_url="ftp://example.org/x")


def test_backup_and_restore_read_and_write_media_through_the_object_store(
    s3: S3Server, tmp_path: Path
) -> None:
    """`congress backup` and `congress restore` as commands, on SQLite, with media in S3."""
    import os
    import subprocess
    import sys
    import tarfile

    congress = Path(sys.executable).with_name("congress")

    def run(data: str, prefix: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONGRESS_")}
        env |= s3.env(prefix) | {"CONGRESS_DATA_DIR": str(tmp_path / data)}
        return subprocess.run(
            [str(congress), *args], env=env, capture_output=True, text=True, timeout=180
        )

    assert run("one", "backup-src", "db", "upgrade").returncode == 0
    source = _s3_settings_for(s3, tmp_path / "one", "backup-src")
    photo = b"\xff\xd8\xff" + os.urandom(5000)
    open_storage(source, "media").save("ev/p.jpg", photo)
    open_storage(source, "media").save("thumbs/ev/p.jpg", b"\xff\xd8\xffthumb")
    archive = tmp_path / "backup.tar.gz"
    made = run("one", "backup-src", "backup", str(archive))
    assert made.returncode == 0, made.stderr
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert "media/ev/p.jpg" in names and "media/thumbs/ev/p.jpg" in names
        member = tar.extractfile("media/ev/p.jpg")
        assert member is not None and member.read() == photo
    assert not (tmp_path / "one" / "media").exists()  # nothing came from a folder

    restored = run("two", "backup-dst", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    target = open_storage(_s3_settings_for(s3, tmp_path / "two", "backup-dst"), "media")
    assert target.read("ev/p.jpg") == photo
    # A second restore into the same store is refused: it never overwrites.
    again = run("three", "backup-dst", "restore", str(archive))
    assert again.returncode != 0 and "holds media" in again.stderr


def _s3_settings_for(s3: S3Server, data_dir: Path, prefix: str) -> Settings:
    import os

    env = s3.env(prefix)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        os.environ.setdefault(name, env[name])
    return Settings(
        data_dir=data_dir,
        storage_url=env["CONGRESS_STORAGE_URL"],
        s3_endpoint_url=env["CONGRESS_S3_ENDPOINT_URL"],
    )
