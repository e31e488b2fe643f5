"""Where files live: uploaded media, generated documents and private documents.

One small interface with two backends:

- a local folder (the default, as before): ``data_dir/media`` for media, ``data_dir/cache`` for
  generated files (finished PDFs), ``data_dir/private`` for documents with personal data;
- an S3-compatible object store (``CONGRESS_STORAGE_URL=s3://bucket/prefix``, through obstore),
  with the same three areas as prefixes ``media/``, ``cache/`` and ``private/`` under the prefix.
  ``CONGRESS_S3_ENDPOINT_URL`` names a store that is not AWS; the credentials and the region
  come from the standard ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` and ``AWS_REGION``.

Keys are relative paths (``event/abc.jpg``); a key that would leave its area is refused. The
methods block (files, network): call them in a worker thread from async code.

An object store can also give a signed address of one object (``signed_url``, S3's presigned
GET, made with the store's credentials without a request), which lets browsers fetch it from the
store for a while (``CONGRESS_STORAGE_SIGNED_URLS``); a folder gives none, and its files pass
through the web process. Objects are stored with a content type decided by their bytes, so that
the store answers them as the web process would.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from congress.settings import Settings

Area = Literal["media", "cache", "private"]
AREAS: tuple[Area, ...] = ("media", "cache", "private")
# A file is written under this suffix first and renamed when complete (backups skip these).
PARTIAL_SUFFIX = ".part"


class Storage(Protocol):
    """The part of a file store the application uses."""

    def save(self, key: str, data: bytes) -> None: ...
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def names(self, prefix: str = "") -> Iterator[str]: ...
    def local_path(self, key: str) -> Path | None: ...
    def signed_url(self, key: str, seconds: int) -> str | None: ...
    def check(self) -> None: ...


def _clean(key: str) -> str:
    parts = key.replace("\\", "/").split("/")
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a storage key: {key!r}")
    if "\x00" in key:
        raise ValueError("a storage key must not contain NUL")
    return key


class LocalStorage:
    """Files in a folder; keys are relative paths that never leave it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"media key outside the media folder: {key!r}")
        return path

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + PARTIAL_SUFFIX)
        temporary.write_bytes(data)
        temporary.replace(path)

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def names(self, prefix: str = "") -> Iterator[str]:
        """Every complete file whose key starts with ``prefix``, in order."""
        for folder, folders, files in os.walk(self.root):
            folders.sort()
            for name in sorted(files):
                if name.endswith(PARTIAL_SUFFIX):
                    continue
                key = Path(folder, name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def signed_url(self, key: str, seconds: int) -> str | None:
        """A folder has no addresses of its own: its files pass through the web process."""
        self._path(key)
        return None

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")


class ObjectStorage:
    """Objects in an S3-compatible bucket under ``prefix`` (obstore's S3Store)."""

    def __init__(self, store: Any, prefix: str) -> None:
        self.store = store
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _path(self, key: str) -> str:
        return self.prefix + _clean(key)

    def save(self, key: str, data: bytes) -> None:
        import obstore

        # An object appears whole or not at all. Its type is decided here, by the bytes, as the
        # web process decides it: a signed address lets the store answer browsers itself.
        obstore.put(self.store, self._path(key), data, attributes=stored_attributes(data))

    def read(self, key: str) -> bytes:
        import obstore

        try:
            return bytes(obstore.get(self.store, self._path(key)).bytes())
        except FileNotFoundError:
            raise
        except Exception as exc:  # obstore's NotFoundError is a FileNotFoundError subclass
            raise OSError(str(exc)) from exc

    def exists(self, key: str) -> bool:
        import obstore

        try:
            obstore.head(self.store, self._path(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        import obstore

        with contextlib.suppress(FileNotFoundError):
            obstore.delete(self.store, self._path(key))

    def names(self, prefix: str = "") -> Iterator[str]:
        import obstore

        found: list[str] = []
        for batch in obstore.list(self.store, self.prefix + prefix if prefix else self.prefix):
            found += [item["path"].removeprefix(self.prefix) for item in batch]
        yield from sorted(found)

    def local_path(self, key: str) -> Path | None:
        return None

    def signed_url(self, key: str, seconds: int) -> str:
        """An address of the store that answers a GET of ``key`` for ``seconds`` (S3's
        presigned URL, signed here with the store's credentials: no request is made)."""
        import obstore

        return obstore.sign(self.store, "GET", self._path(key), timedelta(seconds=seconds))

    def check(self) -> None:
        import obstore

        next(iter(obstore.list(self.store, self.prefix, chunk_size=1)), None)


def stored_attributes(data: bytes) -> dict[str, str]:
    """The headers an object store answers a file with: JPEGs and PDFs shown, anything else
    only downloaded (an imported file could claim to be a page of the site)."""
    if data[:3] == b"\xff\xd8\xff":
        return {"Content-Type": "image/jpeg"}
    if data[:5] == b"%PDF-":
        return {"Content-Type": "application/pdf"}
    return {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment"}


def s3_store(settings: Settings) -> tuple[Any, str]:
    """The obstore S3Store of ``settings.storage_url`` and the prefix inside its bucket."""
    from obstore.store import S3Store

    parts = urlsplit(settings.storage_url)
    config: dict[str, Any] = {}
    for name, env in (
        ("access_key_id", "AWS_ACCESS_KEY_ID"),
        ("secret_access_key", "AWS_SECRET_ACCESS_KEY"),
        ("session_token", "AWS_SESSION_TOKEN"),
    ):
        if os.environ.get(env):
            config[name] = os.environ[env]
    config["region"] = os.environ.get("AWS_REGION") or os.environ.get(
        "AWS_DEFAULT_REGION", "us-east-1"
    )
    client: dict[str, Any] = {"timeout": "30s", "connect_timeout": "5s"}
    if settings.s3_endpoint_url:
        config["endpoint"] = settings.s3_endpoint_url
        config["virtual_hosted_style_request"] = False
        if settings.s3_endpoint_url.startswith("http://"):
            client["allow_http"] = True
    store = S3Store(parts.netloc, config=config, client_options=client)  # type: ignore[arg-type]
    return store, parts.path


def open_storage(settings: Settings, area: Area) -> Storage:
    """The storage of one area (media, cache, private) as the settings say."""
    if settings.storage_url.startswith("s3://"):
        store, prefix = s3_store(settings)
        return ObjectStorage(store, f"{prefix.strip('/')}/{area}".lstrip("/"))
    folders = {"media": settings.media_dir, "cache": settings.data_dir / "cache"}
    return LocalStorage(folders.get(area, settings.data_dir / area))


_OPEN: dict[tuple[str, str, str, str], Storage] = {}


def storage_for(settings: Settings, area: Area) -> Storage:
    """:func:`open_storage`, kept per configuration (an S3 client holds its connections)."""
    key = (settings.storage_url, settings.s3_endpoint_url, str(settings.data_dir), area)
    if key not in _OPEN:
        _OPEN[key] = open_storage(settings, area)
    return _OPEN[key]
