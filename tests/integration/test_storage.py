"""The storage interface, both backends, with the same checks: the local folder (the default)
and an S3-compatible store (moto's standalone server as a real process)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.app import create_app
from congress.domain.accounts.enums import Role
from congress.domain.events.models import Event
from congress.domain.publishing.media import process_photo
from congress.domain.publishing.models import MediaItem
from congress.domain.registration.models import Participant
from congress.settings import Settings
from congress.storage import LocalStorage, ObjectStorage, Storage, open_storage
from tests.archive_data import photo_bytes
from tests.conftest import PASSWORD, log_in, make_staff
from tests.integration.test_backup import ADMIN, Writer, installation, read_tables  # noqa: F401
from tests.integration.test_cli import Cli, serving
from tests.s3 import S3Server, presigned_refusal, s3_server


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


# ---- backups of an object store (test_backup.py has the rest; multi-process: one CI pass)


def test_backup_and_restore_keep_every_photo_of_an_object_store(
    installation: Callable[[str], Cli],  # noqa: F811 (the fixture of test_backup.py)
    tmp_path: Path,
) -> None:
    """Media in an S3 store (moto's server): photos uploaded through a running server, then
    `congress backup`, then `congress restore` into a fresh database and a fresh bucket: every
    photo and thumbnail comes back, byte for byte, and no file went through a local folder."""
    with s3_server(tmp_path / "moto.log") as s3:
        fresh = s3.new_bucket()
        source = installation("source")
        source.env.update(s3.env("site"))
        source.ok("demo")
        source.ok("user", "create", "--role", "admin", "--email", ADMIN, "--password", PASSWORD)
        token = source.ok("token", "create", "--email", ADMIN).strip().splitlines()[-1]
        with serving(source, tmp_path / "source.log") as server:
            photos = Writer(server.base, token, photos=True)
            photos.start()
            photos.wait_for(3)
            photos.stop.set()
            photos.join(timeout=60)
            assert photos.failure is None, photos.failure
        archive = tmp_path / "backup.tar.gz"
        made = source("backup", str(archive))
        assert made.returncode == 0, made.stderr

        target = installation("target")
        target.env.update(fresh.env("site"))
        restored = target("restore", str(archive))
        assert restored.returncode == 0, restored.stderr

        before = {key.removeprefix("site/"): s3.read(key) for key in s3.objects()}
        after = {key.removeprefix("site/"): fresh.read(key) for key in fresh.objects()}
        media = sorted(key for key in before if key.startswith("media/"))
        assert len(media) >= 2 * len(photos.done)  # each photo and its thumbnail
        assert sorted(after) == media  # every photo, and nothing of the cache or private areas
        assert all(after[key] == before[key] for key in media)
        assert f"{len(media)} media files" in restored.stderr
        rows = read_tables(target.settings)["media_item"]
        assert len(rows) == len(read_tables(source.settings)["media_item"])
        for row in rows.values():
            assert f"media/{row['storage_key']}" in after
            assert f"media/thumbs/{row['storage_key']}" in after
        for cli in (source, target):  # nothing of the media was written to a folder
            assert not (Path(cli.env["CONGRESS_DATA_DIR"]) / "media").exists()
        # A second restore into the same store is refused: it never overwrites.
        again = installation("again")
        again.env.update(fresh.env("site"))
        refused = again("restore", str(archive))
        assert refused.returncode != 0 and "holds media" in refused.stderr


# ---- /media and private documents, on both backends and with signed addresses ----------------

SECRET = b"%PDF-1.7 the personal data of a participant"
# Ways to ask /media for a file of the private or cache area: parent references (plain,
# encoded, with encoded slashes and backslashes), the other areas' own names, a NUL.
TRICKS = [
    "/media/../private/secret.pdf",
    "/media/%2e%2e/private/secret.pdf",
    "/media/..%2fprivate%2fsecret.pdf",
    "/media/%2e%2e%2fcache%2fsecret.pdf",
    "/media/thumbs/..%2f..%2fprivate%2fsecret.pdf",
    "/media/%5c..%5cprivate%5csecret.pdf",
    "/media/private/secret.pdf",
    "/media//private/secret.pdf",
    "/media/cache/secret.pdf",
    "/media/%00../private/secret.pdf",
    "/media/secret.pdf%00.jpg",
]
# Rows whose key points out of the media area (an import or a hand-edited database could hold
# them): /media must not follow them either.
TRAP_KEYS = ["../private/secret.pdf", "../cache/secret.pdf", "private/secret.pdf"]


@dataclass
class Site:
    client: AsyncTestClient[Litestar]
    settings: Settings
    backend: str
    photo_key: str
    photo: bytes
    extra: dict[str, Any]


@pytest.fixture(params=["local", "s3", "s3-signed"])  # and "s3-signed-1s", asked for by name
async def site(
    request: pytest.FixtureRequest,
    settings: Settings,
    demo: Event,
    db: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Site]:
    if request.param != "local":
        s3: S3Server = request.getfixturevalue("s3")
        env = s3.env(f"site-{uuid.uuid4().hex[:8]}")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = settings.model_copy(
            update={
                "storage_url": env["CONGRESS_STORAGE_URL"],
                "s3_endpoint_url": env["CONGRESS_S3_ENDPOINT_URL"],
                "storage_signed_urls": {"s3-signed": 30, "s3-signed-1s": 1}.get(request.param, 0),
            }
        )
    photo = process_photo(photo_bytes(300, 200)).data
    key = f"{demo.slug}/{uuid.uuid4().hex}.jpg"
    open_storage(settings, "media").save(key, photo)
    open_storage(settings, "media").save(f"thumbs/{key}", photo)
    for area in ("private", "cache"):
        open_storage(settings, area).save("secret.pdf", SECRET)  # type: ignore[arg-type]
    if request.param == "local":  # the same file where a path trick out of media/ would land
        (settings.data_dir / "secret.pdf").write_bytes(SECRET)
    for number, stored in enumerate([key, *TRAP_KEYS]):
        db.add(
            MediaItem(
                event_id=demo.id,
                storage_key=stored,
                filename=f"p{number}.jpg",
                content_type="image/jpeg",
                size=len(photo),
                position=900 + number,
            )
        )
    await db.commit()
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        extra = {"s3": request.getfixturevalue("s3")} if request.param != "local" else {}
        yield Site(client, settings, request.param, key, photo, extra)
    await app.state.engine.dispose()


async def fetch(address: str) -> httpx.Response:
    """A GET of the object store, as a browser that follows a redirect makes it."""
    async with httpx.AsyncClient(timeout=10) as store:
        return await store.get(address)


async def _leaks(answer: Any) -> bool:
    """Whether an answer of /media gives the secret, itself or through a redirect."""
    if SECRET in answer.content:
        return True
    if answer.status_code in (301, 302, 303, 307, 308):
        followed = await fetch(answer.headers["location"])
        return followed.status_code == 200 or SECRET in followed.content
    return False


async def test_media_serves_the_photos_and_nothing_of_the_other_areas(site: Site) -> None:
    client = site.client
    for path in (f"/media/{site.photo_key}", f"/media/thumbs/{site.photo_key}"):
        answer = await client.get(path, follow_redirects=False)
        if site.backend == "s3-signed":
            assert answer.status_code == 302, answer.text
            assert answer.headers["cache-control"] == "private, max-age=15"
            address = answer.headers["location"]
            assert address.startswith(site.settings.s3_endpoint_url)
            assert presigned_refusal(address) is None
            stored = await fetch(address)
            assert stored.status_code == 200 and stored.content == site.photo
            assert stored.headers["content-type"] == "image/jpeg"
        else:  # as before: the bytes through the web process
            assert answer.status_code == 200 and answer.content == site.photo
            assert answer.headers["content-type"] == "image/jpeg"
    for path in TRICKS + [f"/media/{quote(key, safe='')}" for key in TRAP_KEYS]:
        answer = await client.get(path, follow_redirects=False)
        assert answer.status_code in (302, 400, 404), (path, answer.status_code)
        assert not await _leaks(answer), path


@pytest.mark.parametrize("site", ["s3-signed"], indirect=True)
async def test_a_signed_address_lives_its_lifetime_and_only_as_signed(site: Site) -> None:
    answer = await site.client.get(f"/media/{site.photo_key}", follow_redirects=False)
    address = answer.headers["location"]
    query = parse_qs(urlsplit(address).query)
    assert query["X-Amz-Expires"] == ["30"]
    signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert presigned_refusal(address, signed + timedelta(seconds=29)) is None
    assert presigned_refusal(address, signed + timedelta(seconds=31)) == "expired"
    # Altered: another area's object, a longer life, another signature.
    private = address.replace("/media/", "/private/").split("?")[0].rsplit("/", 1)[0]
    for altered in (
        address.replace("/media/", "/private/"),
        private + "/secret.pdf?" + address.split("?")[1],
        address.replace("X-Amz-Expires=30", "X-Amz-Expires=604800"),
        address[:-4] + ("0000" if not address.endswith("0000") else "1111"),
    ):
        assert presigned_refusal(altered) == "bad signature", altered
    # Without a signature the store gives nothing (the bucket is not public).
    assert (await fetch(address.split("?")[0])).status_code == 403


# Without signed addresses, S3 answers as the local backend does: the bytes through the web.
@pytest.mark.parametrize("site", ["local", "s3-signed"], indirect=True)
async def test_private_documents_reach_only_staff_and_only_for_a_short_while(
    site: Site, db: AsyncSession, demo: Event
) -> None:
    participant = await db.scalar(
        select(Participant.id).where(Participant.event_id == demo.id).order_by(Participant.id)
    )
    badges = f"/manage/events/{demo.slug}/registration/badges.pdf?participant={participant}"
    attendance = f"/manage/events/{demo.slug}/attendance.pdf"
    client = site.client
    for path in (badges, attendance):  # anonymous: no document, no address of one
        answer = await client.get(path, follow_redirects=False)
        assert answer.status_code in (302, 303, 401, 403), answer.status_code
        assert b"%PDF" not in answer.content
        where = answer.headers.get("location", "")
        assert not where.startswith("http") or "X-Amz" not in where
    _, _ = await make_staff(db, Role.REGISTRAR, "desk@example.org")
    await log_in(client, "desk@example.org")
    answer = await client.get(badges, follow_redirects=False)
    if site.backend == "local":  # as before
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
        left = (site.settings.data_dir / "private").rglob("*.pdf")
        assert [path.name for path in left] == ["secret.pdf"]  # the badges: removed once read
        return
    assert answer.status_code == 302, answer.text
    assert answer.headers["cache-control"] == "no-store"
    address = answer.headers["location"]
    assert "/private/print/" in address and presigned_refusal(address) is None
    assert parse_qs(urlsplit(address).query)["X-Amz-Expires"] == ["30"]  # min(setting, 60)
    document = await fetch(address)
    assert document.status_code == 200 and document.content.startswith(b"%PDF")
    assert document.headers["content-type"] == "application/pdf"
    # /media does not serve it: no photo has its key, whatever the path.
    key = urlsplit(address).path.split("/private/", 1)[1]
    for path in (f"/media/{key}", f"/media/../private/{key}", f"/media/%2e%2e/private/{key}"):
        assert not await _leaks(await client.get(path, follow_redirects=False)), path


@pytest.mark.parametrize("site", ["s3-signed-1s"], indirect=True)
async def test_a_private_document_leaves_the_store_once_its_address_expired(
    site: Site, db: AsyncSession, demo: Event
) -> None:
    await make_staff(db, Role.REGISTRAR, "desk@example.org")
    await log_in(site.client, "desk@example.org")
    answer = await site.client.get(
        f"/manage/events/{demo.slug}/attendance.pdf", follow_redirects=False
    )
    assert answer.status_code == 302, answer.text
    address = answer.headers["location"]
    assert parse_qs(urlsplit(address).query)["X-Amz-Expires"] == ["1"]
    s3: S3Server = site.extra["s3"]
    private = urlsplit(site.settings.storage_url).path.strip("/") + "/private/print/"
    kept = [name for name in s3.objects() if name.startswith(private)]
    assert len(kept) == 1 and (await fetch(address)).content.startswith(b"%PDF")
    deadline = time.monotonic() + 30  # removed 5 s after the address expired
    while [name for name in s3.objects() if name.startswith(private)]:
        assert time.monotonic() < deadline, "the attendance list stayed in the store"
        await asyncio.sleep(0.5)
    assert presigned_refusal(address) == "expired"
    assert (await fetch(address)).status_code == 404
