"""Schema building blocks shared by every area's schemas.py."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
# Bounds of the database's integer columns (BIGINT ids, INTEGER counts and positions).
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="The id of an existing record")]

LanguageCode = Annotated[
    str,
    StringConstraints(pattern=LANGUAGE_PATTERN, max_length=16),
    Field(description="BCP 47 language tag, e.g. en, ru, zh, de, zh-Hant", examples=["en"]),
]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$", max_length=2),
    Field(description="ISO 3166-1 alpha-2 country code", examples=["DE"]),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=100),
    Field(description="lower-case letters, digits and hyphens", examples=["world-congress-2026"]),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def known_language(code: str) -> bool:
    """A language tag that CLDR (Babel) knows: "de", "zh-Hant", "pt-BR"; not "xx"."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def _strip_empty(value: dict[str, str]) -> dict[str, str]:
    return {language: text.strip() for language, text in value.items() if text and text.strip()}


def require_text(value: dict[str, str]) -> dict[str, str]:
    if not value:
        raise ValueError("needs a text in at least one language")
    return value


# Longest text per language: names and titles; descriptions, captions and citations; transcripts
# and record bodies. The database stores more; these keep pages, PDFs and exports sane.
MAX_NAME = 500
MAX_PARAGRAPH = 20_000
MAX_DOCUMENT = 2_000_000
MAX_LANGUAGES = 32
# Lists a client sends (speakers, people on a photo, ids in an order).
MAX_ITEMS = 1000


TranslatableOptional = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=MAX_NAME)]],
    Field(max_length=MAX_LANGUAGES),
    AfterValidator(_strip_empty),
    Field(description=f'Text per language (up to {MAX_NAME} characters): {{"en": "…"}}'),
]
TranslatableText = Annotated[TranslatableOptional, AfterValidator(require_text)]
TranslatableParagraph = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=MAX_PARAGRAPH)]],
    Field(max_length=MAX_LANGUAGES),
    AfterValidator(_strip_empty),
    Field(description=f'Text per language (up to {MAX_PARAGRAPH} characters): {{"en": "…"}}'),
]
TranslatableDocument = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=MAX_DOCUMENT)]],
    Field(max_length=MAX_LANGUAGES),
    AfterValidator(_strip_empty),
    Field(description=f'Text per language (up to {MAX_DOCUMENT} characters): {{"en": "…"}}'),
]


def _web_address(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be a web address starting with http:// or https://")
    if any(character.isspace() or ord(character) < 32 for character in value):
        raise ValueError("must not contain spaces or control characters")
    return value


WebAddress = Annotated[
    str,
    StringConstraints(max_length=500),
    AfterValidator(_web_address),
    Field(description="http:// or https:// address", examples=["https://example.org/"]),
]


def _valid_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like Europe/Berlin)"
        ) from exc
    return value


TimeZoneName = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_valid_timezone),
    Field(examples=["Europe/Berlin"]),
]


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone offset, e.g. 2026-05-09T10:00:00+03:00")
    return value


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple | set):
        return any(_has_nul(item) for item in value)
    return False


class Schema(BaseModel):
    """Base of every input schema."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store it in text (SQLite can): refused alike on both, as bad input.
        if _has_nul(value):
            raise ValueError("must not contain the NUL character (\\u0000)")
        return value


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: dt.datetime
    updated_at: dt.datetime


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    total: int
    limit: int
    offset: int


SchemaT = TypeVar("SchemaT", bound=BaseModel)


def partial(schema: type[BaseModel], name: str | None = None) -> type[BaseModel]:
    """The update (PATCH) twin of a create schema: every field may be left out.

    A field that is sent is validated as in the create schema, by its type and by the create
    schema's own field validators, so ``null`` is refused where the create schema refuses it.
    (Checks across fields, model validators, stay with the create schema: an update sends only
    some fields.) Services read ``model_dump(exclude_unset=True)``.
    """
    import copy

    from pydantic import create_model, field_validator

    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    inherited = Schema.__pydantic_decorators__.field_validators
    validators: dict[str, Any] = {}
    for validator_name, decorator in schema.__pydantic_decorators__.field_validators.items():
        if validator_name in inherited:
            continue
        function = getattr(decorator.func, "__func__", decorator.func)
        validators[validator_name] = field_validator(
            *decorator.info.fields, mode=decorator.info.mode, check_fields=False
        )(function)
    return create_model(
        name or schema.__name__.replace("Create", "Update"),
        __base__=Schema,
        __module__=schema.__module__,
        __validators__=validators,
        **fields,
    )


def require_order(values: dict[str, Any], start: str, end: str) -> None:
    """Refuse an end before its start (both may be absent)."""
    from congress.errors import Invalid

    if (
        values.get(start) is not None
        and values.get(end) is not None
        and values[end] < values[start]
    ):
        raise Invalid.field(end, f"must not be before {start.replace('_', ' ')}")
