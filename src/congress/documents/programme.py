"""The programme booklet: cover, then each day's sessions with presidium, agenda and speakers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.content import load_event_doc, require_language
from congress.documents.render import BASE_CSS, render_html
from congress.domain.events.models import Event
from congress.messages import gettext_in
from congress.settings import Settings

PROGRAMME_CSS = (BASE_CSS, "print/programme.css")


async def programme_html(
    db: AsyncSession,
    event: Event,
    lang: str,
    *,
    second: str | None = None,
    screen: bool = False,
    links: Sequence[dict[str, Any]] = (),
    settings: Settings | None = None,
) -> str:
    """The programme in ``lang``; with ``second``, the bilingual edition (two columns).

    ``event`` must have its venue and organizers loaded (``publishing.services.public_event``).
    """
    doc = await load_event_doc(db, event, lang)
    other = None
    if second is not None and second != lang:
        require_language(event, second)
        other = await load_event_doc(db, event, second)
    title = f"{doc.name} — {gettext_in(lang, 'Programme')}"
    return render_html(
        "print/programme.html",
        {
            "lang": lang,
            "title": title,
            "author": ", ".join(doc.organizers) or doc.name,
            "event": doc,
            "other": other,
            "screen": screen,
            "links": links,
        },
        settings=settings,
    )
