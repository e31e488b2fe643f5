"""Configuration: every setting can be given as an environment variable CONGRESS_<NAME>."""

from __future__ import annotations

import ipaddress
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
    public_url: str = Field(
        default="",
        description="The site's public address (https://congress.example.org); https makes "
        "the cookies Secure, and links in the open formats use it",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none",
    )
    login_attempts_per_account: int = Field(
        default=5, ge=1, description="Failed logins of one account before delays begin"
    )
    login_attempts_per_address: int = Field(
        default=20, ge=1, description="Failed logins from one client address before delays begin"
    )
    login_delay_seconds: float = Field(
        default=2, gt=0, description="The first delay; it doubles with each further failure"
    )
    login_max_delay_seconds: float = Field(default=900, gt=0, description="The longest delay")
    public_posts_per_address: int = Field(
        default=120,
        ge=1,
        description="Self-registrations (and, separately, comments) one client address may "
        "send per public_posts_window_seconds",
    )
    public_posts_window_seconds: int = Field(default=600, ge=1)
    storage_url: str = Field(
        default="",
        description="Where media and generated files live: empty means folders in data_dir; "
        "s3://bucket/prefix an S3-compatible object store (credentials from AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY, AWS_REGION)",
    )
    s3_endpoint_url: str = Field(
        default="", description="The address of an S3-compatible store that is not AWS"
    )
    storage_signed_urls: int = Field(
        default=0,
        ge=0,
        le=604800,
        description="With an S3 store: /media/… answers a redirect to a signed address valid "
        "this many seconds, and staff's private documents (badges, attendance lists) a redirect "
        "to one valid at most 60 s; 0 (the default): every file passes through the web process",
    )
    jobs: str = Field(
        default="local",
        pattern="^(local|queue)$",
        description="local: renders, imports and warming run in the web process; queue: they "
        "are jobs on a Redis queue (needs redis_url) run by `congress worker`",
    )
    queue_name: str = Field(default="congress", description="The job queue's name in Redis")
    cache_ttl_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How long a web process trusts the data version of a public event that it "
        "knows without asking the database again; change notifications make it forget at once, "
        "so this bounds how late a lost notification shows (0: ask every time)",
    )
    job_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long an import request waits for its job to write the file: within "
        "it, the answer is the import's (201 or the page's report); after it, 202 with the "
        "job's Location (the page shows the job's progress)",
    )
    worker_grace_seconds: float = Field(
        default=60.0,
        ge=0,
        description="On SIGTERM, `congress worker` takes no new job and lets its running jobs "
        "finish for this long; a job still running then is put back on the queue for another "
        "worker",
    )
    log_format: str = Field(
        default="text", pattern="^(text|json)$", description="text, or json: one object a line"
    )
    metrics_addresses: str = Field(
        default="127.0.0.1,::1",
        description="Comma-separated addresses or networks that may read /metrics without a "
        "token (a Prometheus scraper); others need an administrator's API token",
    )

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

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("storage_url")
    @classmethod
    def _storage(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("s3://"):
            raise ValueError("must be empty (folders in data_dir) or s3://bucket/prefix")
        return value

    @field_validator("trusted_proxies", "metrics_addresses")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                try:
                    ipaddress.ip_network(item.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"not an address or network: {item.strip()!r}") from None
        return value

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]

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
