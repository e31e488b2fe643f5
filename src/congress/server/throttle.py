"""Attempt limits: failed logins, public self-registrations and comments.

Each limited thing is a counter (per account, per client address …) with a :class:`Rule`. An
attempt is checked and counted in one atomic step, before the slow work it guards (a password
hash), so that parallel attempts cannot all slip through before the first one is counted.
After ``allowed`` counted attempts within ``window`` seconds, every further attempt must wait:
``delay`` seconds, doubled for each further counted attempt, at most ``max_delay``. Attempts
refused with a wait are not counted, so the wait ends for everyone at the same time: a delay,
never a lock that a stranger could keep closed.

Counters live in memory (one server process) or in Redis when configured (shared by every
process of the site).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException
from litestar.stores.redis import RedisStore

from congress.settings import Settings

STORE = "throttle"


@dataclass(frozen=True, slots=True)
class Rule:
    allowed: int
    delay: float
    max_delay: float
    window: float

    def wait_after(self, count: int) -> float:
        """Seconds to wait after the ``count``-th counted attempt (0: none)."""
        if count < self.allowed:
            return 0.0
        # Capped before exponentiating: 2 ** (a large count) overflows a float.
        return min(self.delay * 2 ** min(count - self.allowed, 64), self.max_delay)


class MemoryLimiter:
    """Counters of one process. Every step runs without awaiting, so it is atomic in the loop."""

    def __init__(self) -> None:
        # key -> [count, blocked until, forgotten at] (monotonic seconds)
        self._counters: dict[str, list[float]] = {}

    async def attempt(self, counters: list[tuple[str, Rule]]) -> float:
        now = time.monotonic()
        if len(self._counters) > 100_000:
            self._counters = {k: v for k, v in self._counters.items() if v[2] > now}
        entries = [self._entry(key, now) for key, _rule in counters]
        wait = max((entry[1] - now for entry in entries if entry), default=0.0)
        if wait > 0:
            return wait
        for (key, rule), entry in zip(counters, entries, strict=True):
            count, _blocked, forgotten = entry or [0, 0.0, now + rule.window]
            count += 1
            blocked = now + rule.wait_after(int(count))
            self._counters[key] = [count, blocked, max(forgotten, blocked)]
        return 0.0

    def _entry(self, key: str, now: float) -> list[float] | None:
        entry = self._counters.get(key)
        if entry is not None and entry[2] <= now:
            del self._counters[key]
            return None
        return entry

    async def forget(self, key: str) -> None:
        self._counters.pop(key, None)

    async def uncount(self, key: str) -> None:
        entry = self._counters.get(key)
        if entry is not None and entry[0] > 0:
            entry[0] -= 1


# KEYS: the counters; ARGV: for each counter allowed, delay, max delay, window (milliseconds).
# Answers the milliseconds to wait, 0 when the attempt was counted.
_ATTEMPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local blocked = tonumber(redis.call('HGET', key, 'until') or '0')
  if blocked - now > wait then wait = blocked - now end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local o = (i - 1) * 4
  local allowed = tonumber(ARGV[o + 1])
  local count = redis.call('HINCRBY', key, 'count', 1)
  if count == 1 then redis.call('PEXPIRE', key, tonumber(ARGV[o + 4])) end
  if count >= allowed then
    local delay = math.floor(math.min(
      tonumber(ARGV[o + 2]) * 2 ^ math.min(count - allowed, 64), tonumber(ARGV[o + 3])))
    redis.call('HSET', key, 'until', now + delay)
    if redis.call('PTTL', key) < delay then redis.call('PEXPIRE', key, delay) end
  end
end
return 0
"""

_UNCOUNT = """
if tonumber(redis.call('HGET', KEYS[1], 'count') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'count', -1)
end
"""


class RedisLimiter:
    """Counters shared by every process through the site's Redis (one script: atomic)."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.script = store._redis.register_script(_ATTEMPT)
        self.uncount_script = store._redis.register_script(_UNCOUNT)

    async def attempt(self, counters: list[tuple[str, Rule]]) -> float:
        args: list[int] = []
        for _key, rule in counters:
            args += [
                rule.allowed,
                *(round(s * 1000) for s in (rule.delay, rule.max_delay, rule.window)),
            ]
        keys = [self.store._make_key(key) for key, _rule in counters]
        waited = await self.script(keys=keys, args=args)
        return int(waited) / 1000

    async def forget(self, key: str) -> None:
        await self.store.delete(key)

    async def uncount(self, key: str) -> None:
        await self.uncount_script(keys=[self.store._make_key(key)])


Limiter = MemoryLimiter | RedisLimiter


def limiter(app: Litestar) -> Limiter:
    """The app's limiter: on the Redis store when the site has one, else in memory."""
    found: Limiter | None = app.state.get("limiter")
    if found is None:
        store = app.stores.get(STORE)
        found = RedisLimiter(store) if isinstance(store, RedisStore) else MemoryLimiter()
        app.state["limiter"] = found
    return found


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options: X-Forwarded-For/-Proto believed from the trusted proxies only
    (uvicorn's own default believes any local client, which could then pose as any address)."""
    trusted = settings.trusted_proxy_list
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The address the request came from. A proxy's X-Forwarded-For has already replaced it
    (by the server, see server_options) only when that proxy is listed in trusted_proxies."""
    return connection.client.host if connection.client else "unknown"


def too_many(wait: float, detail: str) -> TooManyRequestsException:
    return TooManyRequestsException(detail, headers={"Retry-After": str(retry_after(wait))})


def retry_after(wait: float) -> int:
    return max(1, math.ceil(wait))


async def limit_public_post(connection: ASGIConnection[Any, Any, Any, Any], kind: str) -> None:
    """Count one public post (``kind``: registration, comment) of the client's address; a 429
    with Retry-After once the address has sent too many."""
    settings = connection.app.state.settings
    rule = Rule(
        allowed=settings.public_posts_per_address,
        delay=settings.public_posts_window_seconds,
        max_delay=settings.public_posts_window_seconds,
        window=settings.public_posts_window_seconds,
    )
    wait = await limiter(connection.app).attempt([(f"{kind}:{client_address(connection)}", rule)])
    if wait:
        raise too_many(wait, "too many submissions from your address; try again later")
