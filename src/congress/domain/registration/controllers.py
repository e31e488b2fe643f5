"""Registration pages: the public form and ticket, and the registrars' workspace."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any

import segno
from litestar import Request, get
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from congress.documents.delivery import document_answer, private_document
from congress.domain.accounts.access import REGISTRARS
from congress.domain.common import MAX_ID
from congress.domain.events.models import Event
from congress.domain.events.services import EventService
from congress.domain.people.models import Person
from congress.domain.registration import delegation_pages
from congress.domain.registration.enums import (
    CATEGORY_LABELS,
    STATUS_LABELS,
    ParticipantCategory,
    ParticipantStatus,
)
from congress.domain.registration.importers import (
    COLUMNS,
    MAX_BYTES,
    ImportRejected,
    ImportReport,
    RowError,
    check_participants,
    finished_import,
)
from congress.domain.registration.jobs import import_key, submit_import
from congress.domain.registration.models import Delegation, Participant
from congress.domain.registration.printing import BadgeLayout
from congress.domain.registration.queries import (
    delegations_of,
    matching,
    name_order,
    participant_label,
    participant_query,
)
from congress.domain.registration.schemas import (
    ParticipantForm,
    PublicRegistration,
)
from congress.domain.registration.services import (
    TRANSITIONS,
    ParticipantService,
    Window,
    register_publicly,
    registration_window,
    save_participant,
    ticket,
    window_message,
)
from congress.errors import NotFound, ProblemError
from congress.messages import N_, gettext_in
from congress.server.forms import Form, read_form, submit
from congress.server.i18n import gettext as _
from congress.server.i18n import page_language
from congress.server.pages import page_get, page_post
from congress.server.security import current_user, public, roles
from congress.server.throttle import limit_public_post
from congress.translation import text

# The ticket's address is its secret: keep it out of caches and other sites' logs.
PRIVATE_PAGE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def qr_svg(token: str, scale: int = 6) -> Markup:
    """The ticket's QR code as inline SVG (the desk's scanner types the code it holds)."""
    return Markup(segno.make(token, error="m").svg_inline(scale=scale, dark="#111"))


def public_categories(event: Event, lang: str = "en") -> list[tuple[str, str]]:
    return [
        (category.value, gettext_in(lang, CATEGORY_LABELS[category]))
        for category in ParticipantCategory
        if category.value in event.registration_categories
    ]


def visitor_language(request: Request[Any, Any, Any], event: Event) -> str:
    """The language of the public registration pages: as on the rest of the event's site."""
    return page_language(
        request.query_params.get("lang"), request.headers.get("accept-language"), event.languages
    )


def _registration_page(
    request: Request[Any, Any, Any], event: Event, form: Form, status: int = 200
) -> Template:
    window = registration_window(event)
    lang = visitor_language(request, event)
    return Template(
        "public/register.html",
        context={
            "event": event,
            "form": form,
            "open": window is Window.OPEN,
            "closed_message": window_message(event, window, lang),
            "categories": public_categories(event, lang),
            "lang": lang,
        },
        status_code=status,
    )


@page_get("/events/{slug:str}/register", guards=[public])
async def registration_form(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await EventService(db_session, None).resolve(slug)
    categories = public_categories(event)
    form = Form(values={"category": categories[0][0] if len(categories) == 1 else ""})
    return _registration_page(request, event, form)


@page_post("/events/{slug:str}/register", guards=[public])
async def register(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    await limit_public_post(request, "registration")
    event = await EventService(db_session, None).resolve(slug)
    form = await read_form(request)
    form.values["consent_publication"] = form.values.get("consent_publication") in ("true", "on")

    async def action(values: dict[str, Any]) -> str:
        participant = await register_publicly(
            db_session, event, PublicRegistration.model_validate(values)
        )
        return participant.qr_token

    token = await submit(form, PublicRegistration, action)
    if token is None:
        # 422 also makes the request's transaction roll back.
        return _registration_page(request, event, form, status=422)
    return Redirect(f"/events/{event.slug}/tickets/{token}", status_code=303)


@page_get("/events/{slug:str}/tickets/{token:str}", guards=[public])
async def ticket_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    token: FromPath[str],
) -> Response[Any]:
    event = await EventService(db_session, None).resolve(slug)
    participant = await ticket(db_session, event, token)
    if participant is None:
        raise NotFound("no ticket with this code for this event")
    lang = visitor_language(request, event)
    return Template(
        "public/ticket.html",
        context={
            "event": event,
            "participant": participant,
            "qr": qr_svg(participant.qr_token),
            "category": gettext_in(lang, CATEGORY_LABELS[participant.category]),
            "lang": lang,
        },
        headers=PRIVATE_PAGE,
    )


PUBLIC_ROUTES = [registration_form, register, ticket_page]


# ---- the registrars' workspace -------------------------------------------------------------------

STAFF = roles(*REGISTRARS)
PAGE_SIZE = 50
STATUS_ACTIONS = {
    # target status -> button text; what each status offers follows TRANSITIONS.
    ParticipantStatus.REGISTERED: N_("Register"),
    ParticipantStatus.ACCREDITED: N_("Accredit"),
    ParticipantStatus.CHECKED_IN: N_("Check in"),
    ParticipantStatus.NO_SHOW: N_("Mark as no-show"),
    ParticipantStatus.CANCELLED: N_("Cancel registration"),
    ParticipantStatus.INVITED: N_("Back to invited"),
}


async def staff_event(
    db: AsyncSession, request: Request[Any, Any, Any], slug: FromPath[str]
) -> Event:
    return await EventService(db, current_user(request)).resolve(slug)


def base_context(event: Event, tab: str) -> dict[str, Any]:
    return {
        "event": event,
        "tab": tab,
        "section": "events",
        "lang": event.primary_language,
        "categories": {category: _(word) for category, word in CATEGORY_LABELS.items()},
        "statuses": {status: _(word) for status, word in STATUS_LABELS.items()},
    }


@page_get("/manage/events/{slug:str}/registration", guards=[STAFF])
async def participants_page(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    q: Annotated[str, QueryParameter(required=False)] = "",
    status: Annotated[ParticipantStatus | None, QueryParameter(required=False)] = None,
    category: Annotated[ParticipantCategory | None, QueryParameter(required=False)] = None,
    delegation: Annotated[int | None, QueryParameter(required=False, ge=1, le=MAX_ID)] = None,
    page: Annotated[int, QueryParameter(ge=1, required=False)] = 1,
) -> Template:
    event = await staff_event(db_session, request, slug)
    where: list[Any] = [Participant.event_id == event.id]
    if status is not None:
        where.append(Participant.status == status)
    if category is not None:
        where.append(Participant.category == category)
    if delegation is not None:
        where.append(Participant.delegation_id == delegation)
    statement = participant_query().join(Person, Person.id == Participant.person_id).where(*where)
    if q.strip():
        statement = statement.where(matching(event, q))
    total = await db_session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    participants = list(
        (
            await db_session.execute(
                statement.order_by(*name_order(event), Participant.id)
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
            )
        )
        .unique()
        .scalars()
    )
    by_status = dict(
        (
            await db_session.execute(
                select(Participant.status, func.count())
                .where(Participant.event_id == event.id)
                .group_by(Participant.status)
            )
        )
        .tuples()
        .all()
    )
    return Template(
        "manage/registration/participants.html",
        context={
            **base_context(event, "participants"),
            "participants": participants,
            "total": int(total or 0),
            "page": page,
            "pages": max(1, -(-int(total or 0) // PAGE_SIZE)),
            "by_status": by_status,
            "delegations": await delegations_of(db_session, event),
            "filters": {
                "q": q,
                "status": status.value if status else "",
                "category": category.value if category else "",
                "delegation": delegation or "",
            },
            "label": partial(participant_label, event=event),
        },
    )


def _participant_form_page(
    event: Event,
    form: Form,
    delegations: list[tuple[Delegation, int]],
    participant: Participant | None = None,
    status: int = 200,
) -> Template:
    allowed = (
        sorted(TRANSITIONS[participant.status], key=list(ParticipantStatus).index)
        if participant is not None
        else []
    )
    return Template(
        "manage/registration/participant_form.html",
        context={
            **base_context(event, "participants"),
            "form": form,
            "participant": participant,
            "delegation_options": [
                (
                    delegation.id,
                    text(delegation.name, event.primary_language, event.languages)
                    + (f" ({active}/{delegation.quota})" if delegation.quota is not None else ""),
                )
                for delegation, active in delegations
            ],
            "category_options": [(c.value, _(CATEGORY_LABELS[c])) for c in ParticipantCategory],
            "status_options": [
                (s.value, _(STATUS_LABELS[s]))
                for s in (
                    ParticipantStatus.INVITED,
                    ParticipantStatus.REGISTERED,
                    ParticipantStatus.ACCREDITED,
                )
            ],
            "actions": [(s.value, _(STATUS_ACTIONS[s])) for s in allowed],
            "qr": qr_svg(participant.qr_token, scale=3) if participant else None,
        },
        status_code=status,
    )


def _form_of(participant: Participant, event: Event) -> Form:
    person = participant.person
    language = event.primary_language
    return Form(
        values={
            "given_name": (person.given_name or {}).get(language, ""),
            "family_name": person.family_name.get(language, "")
            or text(person.family_name, language, event.languages),
            "email": person.email or "",
            "phone": person.phone or "",
            "organization": text(participant.organization.name, language, event.languages)
            if participant.organization
            else "",
            "category": participant.category.value,
            "delegation_id": participant.delegation_id or "",
            "status": participant.status.value,
            "badge_number": participant.badge_number or "",
            "consent_publication": participant.consent_publication,
            "notes": participant.notes or "",
        }
    )


async def _save(
    db: AsyncSession,
    request: Request[Any, Any, Any],
    event: Event,
    participant: Participant | None,
) -> Template | Redirect:
    form = await read_form(request)
    form.values["consent_publication"] = form.values.get("consent_publication") in ("true", "on")
    if participant is not None:
        form.values["status"] = participant.status.value  # changed by the buttons only

    async def action(values: dict[str, Any]) -> Participant:
        return await save_participant(
            db,
            current_user(request),
            event,
            ParticipantForm.model_validate(values),
            participant.id if participant else None,
        )

    saved = await submit(form, ParticipantForm, action)
    if saved is None:
        delegations = await delegations_of(db, event)
        return _participant_form_page(event, form, delegations, participant, status=422)
    flash(request, _("The participant was saved."), category="success")
    return Redirect(
        f"/manage/events/{event.slug}/registration/participants/{saved.id}", status_code=303
    )


@page_get("/manage/events/{slug:str}/registration/new", guards=[STAFF])
async def new_participant(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await staff_event(db_session, request, slug)
    form = Form(values={"category": "guest", "status": "registered"})
    return _participant_form_page(event, form, await delegations_of(db_session, event))


@page_post("/manage/events/{slug:str}/registration/new", guards=[STAFF])
async def create_participant(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    event = await staff_event(db_session, request, slug)
    return await _save(db_session, request, event, None)


@page_get(
    "/manage/events/{slug:str}/registration/participants/{participant_id:int}", guards=[STAFF]
)
async def edit_participant(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    participant_id: FromPath[int],
) -> Template:
    event = await staff_event(db_session, request, slug)
    participant = await ParticipantService(db_session, current_user(request)).for_event(
        event.id, participant_id
    )
    delegations = await delegations_of(db_session, event)
    return _participant_form_page(event, _form_of(participant, event), delegations, participant)


@page_post(
    "/manage/events/{slug:str}/registration/participants/{participant_id:int}", guards=[STAFF]
)
async def update_participant(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    participant_id: FromPath[int],
) -> Template | Redirect:
    event = await staff_event(db_session, request, slug)
    participant = await ParticipantService(db_session, current_user(request)).for_event(
        event.id, participant_id
    )
    return await _save(db_session, request, event, participant)


@page_post(
    "/manage/events/{slug:str}/registration/participants/{participant_id:int}/status",
    guards=[STAFF],
)
async def change_status(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    participant_id: FromPath[int],
) -> Template | Redirect:
    event = await staff_event(db_session, request, slug)
    service = ParticipantService(db_session, current_user(request))
    participant = await service.for_event(event.id, participant_id)
    form = await read_form(request)
    try:
        target = ParticipantStatus(str(form.values.get("status")))
        await service.set_status(participant.id, target)
    except ValueError:
        form = Form(message=_("Unknown status."))
    except ProblemError as exc:
        form = _form_of(participant, event)
        form.message = "; ".join(e.message for e in exc.errors) or exc.detail
    else:
        flash(
            request,
            _("Status changed: %(status)s.", status=_(STATUS_LABELS[target])),
            category="success",
        )
        return Redirect(
            f"/manage/events/{event.slug}/registration/participants/{participant.id}",
            status_code=303,
        )
    delegations = await delegations_of(db_session, event)
    return _participant_form_page(event, form, delegations, participant, status=409)


# ---- import ----------------------------------------------------------------------------------


@page_get("/manage/events/{slug:str}/registration/import", guards=[STAFF])
async def import_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await staff_event(db_session, request, slug)
    return Template(
        "manage/registration/import.html",
        context={**base_context(event, "import"), "report": None, "job": None, "columns": COLUMNS},
    )


@page_post(
    "/manage/events/{slug:str}/registration/import",
    guards=[STAFF],
    request_max_body_size=MAX_BYTES + 64 * 1024,
)
async def import_upload(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    """Check the file here (a bad row is answered at once, nothing written), then have a job
    write it; the page shows the report, or the job's progress when it takes longer."""
    event = await staff_event(db_session, request, slug)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        report = ImportReport(errors=[RowError(0, _("choose a CSV or XLSX file to import"))])
        return _import_result(event, report, status=422)
    content = await upload.read()
    user = current_user(request)
    try:
        await check_participants(db_session, user, event, upload.filename, content)
    except ImportRejected as rejected:
        return _import_result(event, rejected.report, status=422)
    await db_session.commit()  # nothing written; the job's rows are seen (see the API)
    jobs = request.app.state.print_jobs
    key, _job = await submit_import(jobs, event, user, upload.filename, content)
    job = await jobs.wait(key, jobs.settings.job_wait_seconds)
    if job is not None and job.state == "running":
        digest = key.rpartition(".")[2]
        return Redirect(
            f"/manage/events/{event.slug}/registration/import/{digest}", status_code=303
        )
    return await _import_job_page(db_session, request, event, key)


JOB_DIGEST = r"[0-9a-f]{64}"


@page_get("/manage/events/{slug:str}/registration/import/{digest:str}", guards=[STAFF])
async def import_progress(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    digest: FromPath[str],
) -> Template:
    """How far the writing of an uploaded list is, from any web process; then its report."""
    event = await staff_event(db_session, request, slug)
    if not re.fullmatch(JOB_DIGEST, digest):
        raise NotFound("no such import")
    return await _import_job_page(db_session, request, event, import_key(event.id, digest))


async def _import_job_page(
    db: AsyncSession, request: Request[Any, Any, Any], event: Event, key: str
) -> Template:
    job = await request.app.state.print_jobs.status(key)
    report = await finished_import(db, event.id, key)
    if report is not None:
        return _import_result(event, report)
    if job is None:
        raise NotFound("no such import")
    if job.state == "failed":
        return _import_result(event, None, job=job, status=409)
    return _import_result(event, None, job=job)


def _import_result(
    event: Event, report: ImportReport | None, *, job: Any = None, status: int = 200
) -> Template:
    return Template(
        "manage/registration/import.html",
        context={
            **base_context(event, "import"),
            "report": report,
            "job": job,
            "columns": COLUMNS,
            "shown_errors": report.errors[:500] if report is not None else [],
        },
        status_code=status,
    )


# ---- badges ------------------------------------------------------------------------------------


def _optional_id(value: str | None, name: str) -> int | None:
    """An id from a select whose empty first option means "all": None for empty."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise ProblemError(f"{name}: expected an id or nothing")
    return int(value)


def _optional_status(value: str | None) -> ParticipantStatus | None:
    """A participant status from the badge form; None (everyone not cancelled) for empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return ParticipantStatus(value)
    except ValueError:
        raise ProblemError("status: expected a participant status or nothing") from None


@page_get("/manage/events/{slug:str}/registration/badges", guards=[STAFF])
async def badges_page(
    db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template:
    event = await staff_event(db_session, request, slug)
    return Template(
        "manage/registration/badges.html",
        context={
            **base_context(event, "badges"),
            "delegations": await delegations_of(db_session, event),
            "statuses": [
                (status.value, _(STATUS_LABELS[status]))
                for status in ParticipantStatus
                if status != ParticipantStatus.CANCELLED
            ],
        },
    )


BADGE_WAIT_SECONDS = 300.0


@get(
    "/manage/events/{slug:str}/registration/badges.pdf",
    guards=[STAFF],
    tags=["registration"],
    summary="Badges as PDF: one participant, a delegation or everyone",
)
async def badges_file(
    db_session: NamedDependency[AsyncSession],
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    participant: Annotated[int | None, QueryParameter(required=False, ge=1, le=MAX_ID)] = None,
    delegation: Annotated[
        str | None,
        QueryParameter(
            required=False,
            max_length=20,
            description="a delegation's id; empty or absent: every delegation",
        ),
    ] = None,
    status: Annotated[
        str | None,
        QueryParameter(
            required=False,
            max_length=20,
            description="one status; empty or absent: everyone who is not cancelled",
        ),
    ] = None,
    layout: Annotated[BadgeLayout, QueryParameter(required=False)] = BadgeLayout.A4,
) -> Response[bytes]:
    event = await staff_event(db_session, request, slug)
    # Made as a job (in this process, or by a worker), kept under the private prefix.
    chosen_status = _optional_status(status)
    jobs = request.app.state.print_jobs
    document = await private_document(
        jobs,
        jobs.private_key(event.id, "badges"),
        "badges",
        BADGE_WAIT_SECONDS,
        event_id=event.id,
        participant_id=participant,
        delegation_id=_optional_id(delegation, "delegation"),
        status=chosen_status.value if chosen_status else None,
        layout=layout.value,
    )
    return document_answer(document, f"{event.slug}-badges.pdf")


ROUTES = [
    *PUBLIC_ROUTES,
    badges_page,
    badges_file,
    participants_page,
    new_participant,
    create_participant,
    edit_participant,
    update_participant,
    change_status,
    import_page,
    import_upload,
    import_progress,
    *delegation_pages.ROUTES,
]
