"""Every text a client sends has a maximum length (checked by the schemas, so the API, the staff
forms and the event import share it), lists and per-language mappings a maximum size, and web
addresses are http or https only."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

import congress.web.routes  # noqa: F401  (imports every area's schemas)
from congress.domain.accounts.enums import Role
from congress.domain.common import MAX_DOCUMENT, MAX_NAME, MAX_PARAGRAPH, Schema
from tests.conftest import log_in, make_staff, post_form
from tests.integration.api_world import World, build_world

EVENT = "/api/v1/events/peace-congress"


def every_input_schema() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    pending = list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        found.append(schema)
        pending += schema.__subclasses__()
    return found


def unbounded(node: Any, where: str, defs: dict[str, Any]) -> list[str]:
    """Strings without maxLength (or a pattern/format that bounds them), lists without maxItems,
    mappings without maxProperties, anywhere in a JSON schema."""
    if isinstance(node, list):
        return [hole for index, item in enumerate(node) for hole in unbounded(item, where, defs)]
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return [] if name in defs.setdefault("_seen", set()) else _walk_ref(name, defs)
    holes = []
    kind = node.get("type")
    if kind == "string" and not (
        "maxLength" in node or "enum" in node or "const" in node or "format" in node
    ):
        holes.append(where)
    if kind == "array" and "maxItems" not in node:
        holes.append(f"{where}[]")
    extra = node.get("additionalProperties", False)
    if kind == "object" and extra is not False and "maxProperties" not in node:
        holes.append(f"{where}{{}}")
    for key, value in node.items():
        if key == "properties":
            for name, field in value.items():
                holes += unbounded(field, f"{where}.{name}", defs)
        elif key in ("items", "additionalProperties", "anyOf", "allOf", "oneOf"):
            holes += unbounded(value, where, defs)
    return holes


def _walk_ref(name: str, defs: dict[str, Any]) -> list[str]:
    defs["_seen"].add(name)
    return unbounded(defs["$defs"][name], name, defs)


def test_every_input_field_is_bounded() -> None:
    holes = []
    for schema in every_input_schema():
        json_schema = schema.model_json_schema()
        defs = {"$defs": json_schema.get("$defs", {})}
        holes += unbounded(json_schema, schema.__name__, defs)
    assert len(every_input_schema()) > 25
    assert not holes, holes


@pytest.fixture
async def world(client: AsyncTestClient[Any], admin: dict[str, str]) -> World:
    return await build_world(client, admin)


def field_of(answer: Any) -> list[str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return [error["field"] for error in answer.json()["errors"]]


async def test_over_long_values_are_refused_by_the_api(
    world: World, client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    long_name = {"family_name": {"en": "x" * (MAX_NAME + 1)}}
    assert "family_name.en" in field_of(
        await client.post("/api/v1/people", json=long_name, headers=admin)
    )
    fits = await client.post(
        "/api/v1/people", json={"family_name": {"en": "x" * MAX_NAME}}, headers=admin
    )
    assert fits.status_code == 201
    many = {"family_name": {f"x{chr(97 + n // 26)}{chr(97 + n % 26)}": "x" for n in range(40)}}
    assert "family_name" in field_of(await client.post("/api/v1/people", json=many, headers=admin))
    description = {"description": {"en": "y" * (MAX_PARAGRAPH + 1)}}
    answer = await client.patch(f"{EVENT}", json=description, headers=admin)
    assert "description.en" in field_of(answer)
    speech = f"/api/v1/speeches/{world.ids['speech']}"
    book = "z" * 300_000  # a long speech is fine
    assert (
        await client.patch(speech, json={"transcript": {"en": book, "ru": book}}, headers=admin)
    ).status_code == 200
    endless = {"transcript": {"en": "z" * (MAX_DOCUMENT + 1)}}
    assert "transcript.en" in field_of(await client.patch(speech, json=endless, headers=admin))
    record = f"/api/v1/records/{world.ids['record']}"
    assert "body.en" in field_of(
        await client.patch(record, json={"body": {"en": "<p>" + "z" * MAX_DOCUMENT}}, headers=admin)
    )
    agenda = {"item_ids": list(range(1, 2000))}
    order = f"/api/v1/sessions/{world.ids['session']}/agenda-items/order"
    assert "item_ids" in field_of(await client.post(order, json=agenda, headers=admin))


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org/",
        "//evil.example/",
        "http://",
        "https://exa mple.org/",
        "https://example.org/\nx",
        "example.org",
    ],
)
async def test_web_addresses_are_http_or_https(
    client: AsyncTestClient[Any], admin: dict[str, str], address: str
) -> None:
    body = {"name": {"en": "Society"}, "website": address}
    assert "website" in field_of(
        await client.post("/api/v1/organizations", json=body, headers=admin)
    )


async def test_good_web_address_is_kept(
    client: AsyncTestClient[Any], admin: dict[str, str]
) -> None:
    for address in ("https://example.org/peace?x=1", "http://example.org"):
        body = {"name": {"en": "Society"}, "website": address}
        made = await client.post("/api/v1/organizations", json=body, headers=admin)
        assert made.status_code == 201 and made.json()["website"] == address


async def test_staff_forms_refuse_the_same(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    organizer, _ = await make_staff(db, Role.ORGANIZER)
    await log_in(client, organizer.email)
    answer = await post_form(client, "/manage/people", {"family_name.en": "x" * (MAX_NAME + 1)})
    assert answer.status_code == 422
    assert 'id="family_name.en-error"' in answer.text
    answer = await post_form(
        client, "/manage/organizations", {"name.en": "Society", "website": "javascript:alert(1)"}
    )
    assert answer.status_code == 422
    assert 'id="website-error"' in answer.text and "http" in answer.text
