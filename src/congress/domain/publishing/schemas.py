from __future__ import annotations

import datetime as dt

from pydantic import Field

from congress.domain.common import (
    MAX_INT,
    MAX_ITEMS,
    AwareDatetime,
    Id,
    Name,
    ReadSchema,
    Schema,
    Slug,
    TranslatableDocument,
    TranslatableParagraph,
    TranslatableText,
    WebAddress,
    partial,
)
from congress.domain.publishing.enums import CommentStatus, MediaKind, RecordStatus


class MediaItemCreate(Schema):
    """Metadata of a stored file; the upload itself goes through the media pages."""

    session_id: Id | None = None
    kind: MediaKind = MediaKind.PHOTO
    storage_key: str = Field(min_length=1, max_length=300)
    filename: str = Field(min_length=1, max_length=300)
    content_type: str = Field(min_length=3, max_length=100)
    size: int = Field(default=0, ge=0, le=MAX_INT)
    width: int | None = Field(default=None, ge=1, le=MAX_INT)
    height: int | None = Field(default=None, ge=1, le=MAX_INT)
    caption: TranslatableParagraph | None = None
    credit: str | None = Field(default=None, max_length=300)
    position: int = Field(default=0, ge=0, le=MAX_INT)
    person_ids: list[Id] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="People shown"
    )


MediaItemUpdate = partial(MediaItemCreate)


class MediaItemRead(ReadSchema):
    event_id: Id
    session_id: Id | None
    kind: MediaKind
    storage_key: str
    filename: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    caption: dict[str, str] | None
    credit: str | None
    position: int
    person_ids: list[Id]


class CategoryCreate(Schema):
    slug: Slug
    name: TranslatableText


CategoryUpdate = partial(CategoryCreate)


class CategoryRead(ReadSchema):
    slug: str
    name: dict[str, str]


class TagCreate(Schema):
    slug: Slug
    name: TranslatableText


TagUpdate = partial(TagCreate)


class TagRead(ReadSchema):
    slug: str
    name: dict[str, str]


class RecordCreate(Schema):
    session_id: Id | None = None
    slug: Slug
    headline: TranslatableText
    lead: TranslatableParagraph | None = None
    body: TranslatableDocument = Field(default_factory=dict, description="HTML; sanitised on save")
    category_id: Id | None = None
    author_id: Id | None = Field(default=None, description="Staff user shown as the author")
    status: RecordStatus = Field(
        default=RecordStatus.DRAFT,
        description="draft → review → published; a new record starts as a draft or in review",
    )
    publish_at: AwareDatetime | None = Field(
        default=None, description="With status published: invisible to the public until then"
    )
    tag_ids: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    source_name: Name | None = Field(default=None, description="Imported: the earlier site")
    source_url: WebAddress | None = Field(default=None, description="Imported: its address there")
    source_published_on: dt.date | None = Field(
        default=None, description="Imported: first published"
    )
    source_view_count: int | None = Field(
        default=None, ge=0, le=MAX_INT, description="Imported: its views there when imported"
    )


RecordUpdate = partial(RecordCreate)


class RecordRead(ReadSchema):
    event_id: Id
    session_id: Id | None
    slug: str
    headline: dict[str, str]
    lead: dict[str, str] | None
    body: dict[str, str]
    category_id: Id | None
    author_id: Id | None
    status: RecordStatus
    publish_at: dt.datetime | None
    published_at: dt.datetime | None
    view_count: int
    tags: list[TagRead]
    source_name: str | None = None
    source_url: str | None = None
    source_published_on: dt.date | None = None
    source_view_count: int | None = None


class CommentCreate(Schema):
    author_name: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=5000)
    language: str | None = Field(default=None, max_length=16)


class CommentUpdate(Schema):
    status: CommentStatus


class CommentRead(ReadSchema):
    record_id: Id
    author_name: str
    body: str
    language: str | None
    status: CommentStatus
