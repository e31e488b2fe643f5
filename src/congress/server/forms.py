"""HTML forms on top of the services: read a posted form, validate it with the same schema
the API uses, call the service, and on failure give the page back its fields, the values as
typed and a message beside each field.

Field names map to nested data: ``name.en`` fills ``{"name": {"en": …}}`` and
``speakers.0.person_id`` fills the first item of the ``speakers`` list.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from litestar import Request
from pydantic import BaseModel, ValidationError

from congress.errors import FieldError, ProblemError
from congress.server.i18n import gettext as _

T = TypeVar("T")


@dataclass
class Form:
    """What a page needs to show a form again: typed values and errors per field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    # Several forms on one page ("add a speech", "add an award"…) name fields alike: each gets
    # its own element ids, so that every label points at its own control.
    id_prefix: str = ""

    def prefixed(self, prefix: str) -> Form:
        return replace(self, id_prefix=prefix)

    def field_id(self, name: str) -> str:
        return f"f-{self.id_prefix}{name}"

    def error_id(self, name: str) -> str:
        return f"{self.id_prefix}{name}-error"

    def value(self, name: str, default: Any = "") -> Any:
        found = self.values.get(name)
        return default if found is None else found

    def values_of(self, name: str) -> list[str]:
        found = self.values.get(name)
        if found is None:
            return []
        return [str(item) for item in found] if isinstance(found, list) else [str(found)]

    def error(self, name: str) -> str:
        return self.errors.get(name, "")

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.message)


async def read_form(request: Request[Any, Any, Any], lists: Iterable[str] = ()) -> Form:
    """The posted form; ``lists`` names fields that may repeat (checkboxes, multi-selects)."""
    data = await request.form()
    multi = set(lists)
    values: dict[str, Any] = {}
    for key in data:
        if key == "_csrf_token":
            continue
        values[key] = data.getall(key) if key in multi else data.get(key)
    for key in multi:
        values.setdefault(key, [])
    return Form(values=values)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"name.en": "x"}`` -> ``{"name": {"en": "x"}}``; numeric parts become list items."""
    root: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def blank_to_none(values: dict[str, Any], nested: bool = False) -> dict[str, Any]:
    """Empty inputs mean "not given": None for a field of the form (so an edit can clear it),
    left out inside a group (a language of a translatable text, a column of a row)."""
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str) and not value.strip():
            if not nested:
                cleaned[key] = None
        elif isinstance(value, dict):
            cleaned[key] = blank_to_none(value, nested=True)
        elif isinstance(value, list):
            cleaned[key] = [
                blank_to_none(v, nested=True) if isinstance(v, dict) else v for v in value
            ]
        else:
            cleaned[key] = value
    return cleaned


def local_datetimes(values: dict[str, Any], names: Iterable[str], timezone: str) -> None:
    """``<input type=datetime-local>`` sends wall-clock time: read it in the event's zone."""
    zone = zoneinfo.ZoneInfo(timezone)
    for name in names:
        raw = values.get(name)
        if not raw:
            continue
        try:
            parsed = dt.datetime.fromisoformat(str(raw))
        except ValueError:
            continue  # the schema names the field and the problem
        if parsed.tzinfo is None:
            values[name] = parsed.replace(tzinfo=zone).isoformat()


def as_local_input(value: dt.datetime | None, timezone: str) -> str:
    """A stored time as a datetime-local input value in the event's zone."""
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def pydantic_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for item in exc.errors():
        location = [str(part) for part in item["loc"]]
        message = str(item["msg"]).removeprefix("Value error, ")
        key = ".".join(location) or "form"
        errors.setdefault(key, message)
    return errors


def problem_errors(exc: ProblemError) -> dict[str, str]:
    return {error.field: error.message for error in exc.errors}


async def submit(
    form: Form,
    schema: type[BaseModel],
    action: Callable[[dict[str, Any]], Awaitable[T]],
    *,
    exclude_unset: bool = False,
    prepare: Callable[[dict[str, Any]], None] | None = None,
) -> T | None:
    """Validate ``form`` with ``schema`` and run ``action`` on the data; on failure fill
    ``form.errors`` (per field) and ``form.message`` and give None."""
    data = blank_to_none(nest(form.values))
    if prepare is not None:
        prepare(data)
    try:
        parsed = schema.model_validate(data)
    except ValidationError as exc:
        form.errors = pydantic_errors(exc)
        form.message = _("Please correct the marked fields.")
        return None
    try:
        return await action(parsed.model_dump(exclude_unset=exclude_unset))
    except ProblemError as exc:
        form.errors = problem_errors(exc)
        form.message = exc.detail if not form.errors else _("Please correct the marked fields.")
        return None


def field_errors(errors: list[FieldError]) -> dict[str, str]:
    return {error.field: error.message for error in errors}


def languages_of(languages: Sequence[str], *texts: dict[str, str] | None) -> list[str]:
    """The event's languages, then any other language a text is already written in."""
    return list(dict.fromkeys([*languages, *(code for t in texts for code in t or {})]))
