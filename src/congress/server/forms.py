"""HTML forms on top of the services: read a posted form, validate it with the same schema
the API uses, call the service, and on failure give the page back its fields, the values as
typed and a message beside each field.

Field names map to nested data: ``name.en`` fills ``{"name": {"en": …}}`` and
``speakers.0.person_id`` fills the first item of the ``speakers`` list.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from litestar import Request
from pydantic import BaseModel, ValidationError

from congress.errors import FieldError, ProblemError
from congress.messages import N_
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


def technical_errors(exc: ValidationError) -> dict[str, str]:
    """Per field, the first problem as the API words it (pydantic's reason)."""
    errors: dict[str, str] = {}
    for item in exc.errors():
        key = ".".join(str(part) for part in item["loc"]) or "form"
        errors.setdefault(key, str(item["msg"]).removeprefix("Value error, "))
    return errors


def pydantic_errors(exc: ValidationError) -> dict[str, str]:
    """Per field, the first problem as a sentence in the interface language."""
    errors: dict[str, str] = {}
    for item in exc.errors():
        location = [str(part) for part in item["loc"]]
        key = ".".join(location) or "form"
        if key not in errors:
            errors[key] = schema_sentence(dict(item))
    return errors


def problem_errors(exc: ProblemError) -> dict[str, str]:
    return {error.field: own_sentence(error.message) for error in exc.errors}


# ---- what a person reads ------------------------------------------------------------------
# The API answers with the technical reason (pydantic's type and text, our services' English
# phrase); a page shows a sentence in the interface language instead. The wording lives here,
# once, for every form.

_PATTERNS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": N_("Use lower-case letters, digits and hyphens."),
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": N_("Enter a language code such as en, ru, de or zh-Hant."),
    r"^[A-Z]{2}$": N_("Enter a two-letter country code such as DE."),
    r"^[a-z0-9][a-z0-9_-]{3,39}$": N_(
        "Use 4 to 40 lower-case letters, digits, hyphens or underscores."
    ),
}

_BY_TYPE = {
    "missing": N_("Fill in this field."),
    "string_type": N_("Enter a text."),
    "date_type": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_from_datetime_inexact": N_("Enter a date."),
    "datetime_type": N_("Enter a date and time."),
    "datetime_parsing": N_("Enter a date and time."),
    "datetime_from_date_parsing": N_("Enter a date and time."),
    "timezone_aware": N_("Enter a date and time."),
    "time_type": N_("Enter a time."),
    "time_parsing": N_("Enter a time."),
    "int_type": N_("Enter a whole number."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_type": N_("Enter a number."),
    "float_parsing": N_("Enter a number."),
    "bool_type": N_("Choose yes or no."),
    "bool_parsing": N_("Choose yes or no."),
    "enum": N_("Choose one of the offered values."),
    "literal_error": N_("Choose one of the offered values."),
    "list_type": N_("Choose one or more of the offered values."),
    "dict_type": N_("Fill in this field."),
    "model_type": N_("Fill in this field."),
    "extra_forbidden": N_("This field is not part of the form."),
    "string_pattern_mismatch": N_("The text is not in the expected form."),
    "url_parsing": N_("Enter a web address starting with http:// or https://."),
}

# Our own checks (schema validators and services) say what is wrong in a short English phrase,
# which the API keeps; the sentence a page shows instead.
_OWN = {
    "needs a text in at least one language": N_("Enter a text in at least one language."),
    "must be a web address starting with http:// or https://": N_(
        "Enter a web address starting with http:// or https://."
    ),
    "must not contain spaces or control characters": N_(
        "A web address has no spaces or control characters."
    ),
    "needs a time zone offset, e.g. 2026-05-09T10:00:00+03:00": N_("Enter a date and time."),
    "must not contain the NUL character (\\u0000)": N_("Remove the invisible NUL character."),
    "each language only once": N_("Choose each language only once."),
    "a number of delegates (31) or a share such as 1/2 or 2/3": N_(
        "Enter a number of delegates, such as 31, or a share, such as 1/2 or 2/3."
    ),
    "a share lies between 0 (excluded) and 1": N_("Enter a share above 0 and at most 1."),
    "a person can be listed only once among the speakers": N_(
        "Each person can be listed only once among the speakers."
    ),
    "the two passwords are not the same": N_("The two passwords are not the same."),
    "give one of token (the scanned code), code or participant_id": N_(
        "Scan a ticket or choose a participant."
    ),
    "a proxy is somebody other than the recipient": N_(
        "The proxy must be somebody other than the recipient."
    ),
    "an organization cannot be inside itself": N_("An organization cannot be inside itself."),
    "the participant is registered for another event": N_(
        "This participant is registered for another event."
    ),
    "this session belongs to another event": N_("This session belongs to another event."),
    "the session belongs to another event": N_("This session belongs to another event."),
    "choose a photo to upload": N_("Choose a photo to upload."),
    "give the date and time of publication": N_("Enter the date and time of publication."),
    "must be in the future (or use Publish now)": N_(
        "Choose a time in the future, or publish now."
    ),
    "not a date and time": N_("Enter a date and time."),
    "this category is not open to registration on the web": N_(
        "This category is not open to registration on the web."
    ),
    "no such delegation at this event": N_("Choose a delegation of this event."),
    "sent too quickly; please check your comment and send again": N_(
        "Sent too quickly: please check your comment and send it again."
    ),
    "the form has expired; please send your comment again": N_(
        "The form has expired: please send your comment again."
    ),
}

# Phrases with a value inside: (pattern, sentence).
_OWN_PATTERNS = [
    (
        re.compile(r"^likely the same person as (?P<names>.+); choose them, or confirm"),
        N_("Did you mean %(names)s? If this is somebody else, tick the box below and add again."),
    ),
    (re.compile(r"^must not be before "), N_("Must not be before the start.")),
    (
        re.compile(r"^no [a-z ]+ with id [0-9, ]+$"),
        N_("Choose an existing entry; this one is gone."),
    ),
    (
        re.compile(r"^unknown language code "),
        N_("Enter a known language code such as en, ru or de."),
    ),
    (re.compile(r"^unknown time zone "), N_("Enter a time zone such as Europe/Vienna.")),
    (
        re.compile(r"^another [a-z ]+ already has this person\b"),
        N_("This person is already listed here."),
    ),
    (
        re.compile(r"^another [a-z ]+ already has this "),
        N_("This is already taken; choose another."),
    ),
    (re.compile(r"^is required$"), N_("Fill in this field.")),
    (
        re.compile(r"refers to a record that no longer exists$"),
        N_("Choose an existing entry; this one is gone."),
    ),
    (re.compile(r"^these values do not fit together"), N_("These values do not fit together.")),
]


def own_sentence(message: str) -> str:
    """Our English phrase as a sentence in the interface language (as it is, if unknown)."""
    known = _OWN.get(message)
    if known is not None:
        return _(known)
    for pattern, sentence in _OWN_PATTERNS:
        if match := pattern.search(message):
            return _(sentence, **match.groupdict())
    translated = _(message)
    return translated[:1].upper() + translated[1:] if translated else translated


def schema_sentence(item: dict[str, Any]) -> str:
    """One pydantic error as a sentence in the interface language."""
    kind = str(item.get("type", ""))
    ctx = item.get("ctx") or {}
    given = item.get("input")
    if kind.endswith("_type") and given is None:
        return _("Fill in this field.")
    if kind == "value_error" and "email address" in str(item.get("msg", "")):
        return _("Enter an e-mail address such as name@example.org.")
    if kind == "value_error":
        return own_sentence(str(ctx.get("error", item.get("msg", ""))))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return _(_PATTERNS[str(ctx["pattern"])])
    if kind == "string_too_short":
        if not given:
            return _("Fill in this field.")
        return _("Enter at least %(num)s characters.", num=ctx.get("min_length", 1))
    if kind == "string_too_long":
        return _("Use at most %(num)s characters.", num=ctx.get("max_length", 0))
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt", 0))
        return _("Enter a number of at least %(num)s.", num=limit)
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a smaller number.")
    if kind == "too_short":
        return _("Choose at least one.")
    if kind == "too_long":
        return _("Choose fewer values.")
    if kind in _BY_TYPE:
        return _(_BY_TYPE[kind])
    return _("This value is not valid.")


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
