"""Configuration: every setting can be given as an environment variable CONGRESS_<NAME>."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_dir(name: str) -> Path:
    """Locate a top-level folder (templates/, migrations/) in a checkout or an installed wheel."""
    bundled = PACKAGE_DIR / "_data" / name
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent.parent / name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONGRESS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Database file, media and secrets")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in data_dir. "
        "postgresql://user@host/db is accepted and uses asyncpg.",
    )
    redis_url: str | None = Field(default=None, description="Sessions and jobs in Redis when set")
    secret_key: str = Field(default="", description="Signs sessions and CSRF; generated if empty")
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    demo_on_first_start: bool = Field(
        default=False, description="Load the demo event when the database is created"
    )
    templates_dir: Path = Field(default_factory=lambda: _project_dir("templates"))
    migrations_dir: Path = Field(default_factory=lambda: _project_dir("migrations"))
    static_dir: Path = Field(default_factory=lambda: _project_dir("static"))

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if value.startswith(plain):
                return driver + value.removeprefix(plain)
        return value

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'congress.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    def resolved_secret(self) -> str:
        """The configured secret, or one generated once and kept in data_dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
