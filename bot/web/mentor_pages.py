"""Mentor pages: "My young people", one young person, and what a mentor does there
(acknowledge an alert, a note from the talk, a rating, their belief, an export)."""

from __future__ import annotations

from datetime import date, timedelta

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.services.alert_desk import AckResult, AlertDesk
from bot.services.figures import Period
from bot.services.mentor_desk import MentorDesk
from bot.services.ratings import (
    BELIEF_MAX,
    BELIEF_MIN,
    RATING_MAX,
    RATING_MIN,
    NotYourYouth,
    RatingService,
)
from bot.services.weekly_summary import ReportAccessDenied
from bot.telegram.case_file import build_export
from bot.web.app import access, console_of, db, locale_of, not_found, render, see_other, signed_in
from bot.web.mentor_views import (
    SORTS,
    YOUTH_PURPOSE,
    local_today,
    overview_rows,
    sort_rows,
    youth_page,
)
from bot.web.page_texts import alert_item, youth_page_context
from storage.models import Alert, Person

EXPORT_MAX_DAYS = 366


async def overview(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    runtime = console.app.runtime
    person = signed_in(request).person
    sort = request.query.get("sort", "attention")
    sort = sort if sort in SORTS else "attention"
    rows = await overview_rows(db(request), runtime.clock, runtime.report_sources, person)
    await db(request).commit()  # the reads are in the audit log
    return render(request, "overview.html", {"rows": sort_rows(rows, sort), "sort": sort})


async def _youth(request: web.Request, purpose: str) -> Person | None:
    """The youth named in the URL when the signed-in person may work with them (audited);
    None — refusal audited and committed — otherwise."""
    try:
        youth_id = int(request.match_info["youth_id"])
    except ValueError:
        return None
    person = signed_in(request).person
    youth = await access(request).youth_for_mentor_work(person, youth_id, purpose)
    await db(request).commit()
    return youth


async def youth(request: web.Request) -> web.StreamResponse:
    found = await _youth(request, YOUTH_PURPOSE)
    if found is None:
        return not_found(request)
    runtime = console_of(request).app.runtime
    page = await youth_page(db(request), runtime.clock, runtime.report_sources, found)
    context = await youth_page_context(request, page)
    return render(request, "youth.html", context)


async def add_note(request: web.Request) -> web.StreamResponse:
    found = await _youth(request, "web_note")
    if found is None:
        return not_found(request)
    text = str((await request.post()).get("text", "")).strip()
    if text:
        runtime = console_of(request).app.runtime
        desk = MentorDesk(db(request), runtime.clock, runtime.report_sources)
        try:
            await desk.add_note(signed_in(request).person, found.id, text)
        except ReportAccessDenied:
            return not_found(request)
    return see_other(f"/youth/{found.id}?saved=note#notes")


async def _number(request: web.Request, name: str, low: int, high: int) -> int | None:
    raw = str((await request.post()).get(name, ""))
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


async def rate(request: web.Request) -> web.StreamResponse:
    found = await _youth(request, "web_rating")
    if found is None:
        return not_found(request)
    form = await request.post()
    subgoal = str(form.get("subgoal", ""))
    value = await _number(request, "value", RATING_MIN, RATING_MAX)
    if subgoal not in console_of(request).app.runtime.catalogue or value is None:
        return see_other(f"/youth/{found.id}?saved=nothing#rate")
    ratings = RatingService(db(request), console_of(request).app.clock)
    try:
        await ratings.record_mentor(signed_in(request).person, found, subgoal, value)
    except NotYourYouth:
        return not_found(request)
    return see_other(f"/youth/{found.id}?saved=rating#rate")


async def belief(request: web.Request) -> web.StreamResponse:
    found = await _youth(request, "web_belief")
    if found is None:
        return not_found(request)
    value = await _number(request, "value", BELIEF_MIN, BELIEF_MAX)
    if value is None:
        return see_other(f"/youth/{found.id}?saved=nothing#rate")
    ratings = RatingService(db(request), console_of(request).app.clock)
    try:
        await ratings.record_belief(signed_in(request).person, found, value)
    except NotYourYouth:
        return not_found(request)
    return see_other(f"/youth/{found.id}?saved=belief#rate")


async def acknowledge(request: web.Request) -> web.StreamResponse:
    try:
        alert_id = int(request.match_info["alert_id"])
    except ValueError:
        return not_found(request)
    person = signed_in(request).person
    session = db(request)
    result = await AlertDesk(session, console_of(request).app.clock).acknowledge(alert_id, person)
    if result is AckResult.NOT_ALLOWED:
        return not_found(request)
    alert = await session.get(Alert, alert_id)
    assert alert is not None  # acknowledge() refuses unknown alerts
    if request.headers.get("X-Fremad-Partial"):
        youth_row = await session.get(Person, alert.youth_id)
        assert youth_row is not None
        return render(request, "_alert.html", {"item": alert_item(alert, youth_row)})
    return see_other(f"/youth/{alert.youth_id}#alerts")


def _period(request: web.Request, today: date) -> Period | None:
    try:
        first = date.fromisoformat(request.query.get("first", ""))
        last = date.fromisoformat(request.query.get("last", ""))
    except ValueError:
        return Period(today - timedelta(weeks=12) + timedelta(days=1), today)
    if first > last or (last - first).days > EXPORT_MAX_DAYS:
        return None
    return Period(first, last)


async def export(request: web.Request) -> web.StreamResponse:
    found = await _youth(request, "web_export")
    if found is None:
        return not_found(request)
    console = console_of(request)
    runtime = console.app.runtime
    fmt = request.query.get("format", "csv")
    period = _period(request, local_today(found, runtime.clock))
    if fmt not in ("csv", "pdf") or period is None:
        return render(
            request,
            "problem.html",
            {
                "title": _("Check the period"),
                "text": _("Choose a first and a last day (at most a year apart) and CSV or PDF."),
            },
            status=400,
        )
    name, content = await build_export(
        db(request),
        found,
        period,
        fmt,
        locale=locale_of(request),
        sources=runtime.report_sources,
        catalogue=runtime.catalogue,
    )
    await db(request).commit()
    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/pdf"
    return web.Response(
        body=content,
        headers={
            "Content-Type": kind,
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", overview, name="overview")
    app.router.add_get("/youth/{youth_id}", youth, name="youth")
    app.router.add_post("/youth/{youth_id}/note", add_note, name="note")
    app.router.add_post("/youth/{youth_id}/rating", rate, name="rating")
    app.router.add_post("/youth/{youth_id}/belief", belief, name="belief")
    app.router.add_get("/youth/{youth_id}/export", export, name="export")
    app.router.add_post("/alerts/{alert_id}/ack", acknowledge, name="ack")
