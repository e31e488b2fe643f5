"""/ready, /metrics and request ids, in the default single-process setup (local jobs, files in
the data folder, no Redis)."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from congress.domain.accounts.enums import Role


async def test_ready_metrics_and_request_ids(
    client: AsyncTestClient[Litestar], tokens: dict[Role, dict[str, str]], app: Litestar
) -> None:
    ready = await client.get("/ready")
    assert ready.status_code == 200
    # Local mode without Redis: no Redis or worker to check, the rest is checked.
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
    }
    assert (await client.get("/health")).status_code == 200

    # A request id: a new one for every request, or the proxy's when it sends a sane one.
    one, two = [await client.get("/api/v1/ping") for _ in range(2)]
    assert len(one.headers["x-request-id"]) == 32
    assert one.headers["x-request-id"] != two.headers["x-request-id"]
    given = await client.get("/api/v1/ping", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    hostile = await client.get("/api/v1/ping", headers={"X-Request-ID": 'a"b<script>'})
    assert hostile.headers["x-request-id"] not in ('a"b<script>', "")

    # The test client's address is no scraper's: a token is needed, an administrator's.
    anonymous = await client.get("/metrics")
    assert anonymous.status_code == 401
    editor = await client.get("/metrics", headers=tokens[Role.EDITOR])
    assert editor.status_code == 403
    admin = await client.get("/metrics", headers=tokens[Role.ADMIN])
    assert admin.status_code == 200
    assert admin.headers["content-type"].startswith("text/plain")
    text = admin.text
    # Counted by the route's template, never by the path asked for.
    assert 'congress_requests_total{method="GET",route="/api/v1/ping",status="2xx"}' in text
    assert 'route="/ready"' in text
    assert "congress_request_seconds_bucket" in text
