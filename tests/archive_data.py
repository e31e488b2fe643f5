"""Photos and comparisons for the event export and import tests."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageStat
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from congress.db.base import metadata
from congress.db.engine import make_engine
from congress.domain.events.models import Event
from congress.domain.people.models import Person
from congress.domain.programme.models import Session
from congress.domain.publishing.archive import USER_COLUMNS, export_event
from congress.domain.publishing.media import LocalStorage, new_key, process_photo, thumbnail_key
from congress.domain.publishing.models import MediaItem
from congress.settings import Settings


def photo_bytes(width: int = 900, height: int = 600, shade: int = 0) -> bytes:
    """A PNG with gradients and a fractal (re-encoding a flat colour would prove little)."""
    size = (width, height)
    red = Image.linear_gradient("L").rotate(90).resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.effect_mandelbrot(size, (-2.0 + shade / 100, -1.2, 1.0, 1.2), 60)
    image = Image.merge("RGB", (red, green, blue))
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, width // 2, height // 2), fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# A photo as an upload stores it (re-encoded JPEG and its thumbnail).
UPLOADED = process_photo(photo_bytes())
PHOTO, THUMBNAIL = UPLOADED.data, UPLOADED.thumbnail


def assert_same_picture(first: bytes, second: bytes) -> None:
    """The same size, and the same pixels but for what re-encoding a JPEG changes."""
    with Image.open(io.BytesIO(first)) as a, Image.open(io.BytesIO(second)) as b:
        assert a.size == b.size
        difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
        means = ImageStat.Stat(difference).mean
        assert max(means) < 2.0, means


def canonical(export: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The export with every id (and reference) replaced by the row's place in its table; a
    photo's storage key and byte size left out (an import stores it re-encoded, under a new key:
    compare the pictures with :func:`assert_same_picture`)."""
    tables = export["tables"]
    place = {
        name: {row["id"]: index for index, row in enumerate(rows)}
        for name, rows in tables.items()
        if rows and "id" in rows[0]
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in tables.items():
        table = metadata.tables[name]
        references = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        canon = []
        for row in rows:
            item = dict(row)
            if "id" in item:
                item["id"] = place[name][item["id"]]
            for column, target in references.items():
                if item.get(column) is not None:
                    item[column] = place[target][item[column]]
            if name == "media_item":
                del item["storage_key"], item["size"]
            canon.append(item)
        out[name] = canon
    return out


async def add_photos(settings: Settings, slug: str, count: int, edge: int = 900) -> None:
    """``count`` photos of the event, as the upload page stores them (files and rows), each
    showing a person."""
    engine = make_engine(settings, poolclass=NullPool)
    storage = LocalStorage(settings.media_dir)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as db:
            event = (await db.scalars(select(Event).where(Event.slug == slug))).one()
            session_id = await db.scalar(
                select(Session.id).where(Session.event_id == event.id).order_by(Session.id)
            )
            people = (await db.scalars(select(Person).order_by(Person.id).limit(count))).all()
            for number in range(count):
                photo = process_photo(photo_bytes(edge, edge * 2 // 3, shade=number * 7))
                key = new_key(slug)
                storage.save(key, photo.data)
                storage.save(thumbnail_key(key), photo.thumbnail)
                item = MediaItem(
                    event_id=event.id,
                    session_id=session_id,
                    storage_key=key,
                    filename=f"photo-{number}.png",
                    content_type=photo.content_type,
                    size=len(photo.data),
                    width=photo.width,
                    height=photo.height,
                    caption={"en": f"Photo {number}", "ru": f"Фото {number}"},
                    credit="Photo: A. Petrov",
                    position=number + 1,
                )
                item.people = [people[number % len(people)]]
                db.add(item)
            await db.commit()
    finally:
        await engine.dispose()


async def exported(settings: Settings, slug: str) -> dict[str, Any]:
    """The full export of an event, read from the database of ``settings``."""
    engine = make_engine(settings, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as db:
            event = (await db.scalars(select(Event).where(Event.slug == slug))).one()
            return await export_event(db, event)
    finally:
        await engine.dispose()


def assert_same_event(
    before: dict[str, Any], after: dict[str, Any], source: Settings, target: Settings
) -> None:
    """Both exports hold the same rows, table by table, column by column (ids and references by
    place, photos by their pictures), and every column of every table is in them."""
    assert set(after["tables"]) == set(before["tables"])
    for name, rows in before["tables"].items():
        assert len(after["tables"][name]) == len(rows), name
        columns = USER_COLUMNS if name == "user_account" else metadata.tables[name].c.keys()
        for row in rows:
            assert set(row) == set(columns), name
    assert canonical(after) == canonical(before)
    old, new = LocalStorage(source.media_dir), LocalStorage(target.media_dir)
    photos = before["tables"].get("media_item", [])
    for first, second in zip(photos, after["tables"].get("media_item", []), strict=True):
        for key in (first["storage_key"], thumbnail_key(first["storage_key"])):
            copy = key.replace(first["storage_key"], second["storage_key"])
            assert_same_picture(old.read(key), new.read(copy))
        assert second["size"] == len(new.read(second["storage_key"]))
