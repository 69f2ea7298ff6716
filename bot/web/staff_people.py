"""Staff pages for people and the cohort: the /cohort figures per mentor with charts and each
script's per-step drop-off; invites (link and QR code); hand-over; deletion requests."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import segno
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.cli_invite import bot_username, invite_link
from bot.dialogs import Script
from bot.services.cohort import CohortService
from bot.services.mentor_desk import MentorDesk
from bot.services.onboarding import InviteError, OnboardingService
from bot.services.privacy import PrivacyService
from bot.services.ratings import youths_for
from bot.services.script_publishing import ScriptPublishing
from bot.services.weekly_summary import ReportAccessDenied
from bot.telegram.mentor_texts import handover_text
from bot.telegram.summary_texts import split_message
from bot.web.app import (
    console_of,
    db,
    locale_of,
    not_found,
    render,
    see_other,
    signed_in,
    staff_only,
)
from storage.models import Person, Role
from storage.repositories.people import PeopleRepository
from storage.repositories.web import ConsoleReadsRepository


@dataclass(frozen=True)
class StepReach:
    step_id: str
    runs: int
    share: float | None


@dataclass(frozen=True)
class ScriptReach:
    script_id: str
    title: str
    started: int
    steps: list[StepReach]


async def script_reach(request: web.Request) -> list[ScriptReach]:
    """Per script: runs begun, and how many of them answered each step (the drop-off)."""
    runtime = console_of(request).app.runtime
    session = db(request)
    reads = ConsoleReadsRepository(session)
    publishing = ScriptPublishing(session, runtime.clock, runtime.scripts, runtime.catalogue)
    out = []
    for item in await publishing.overview():
        live = await runtime.scripts.active_document(session, item.script_id, runtime.clock.now())
        if live is None or not isinstance(live.document, Script):
            continue
        started = await reads.runs_started(item.script_id)
        per_step = await reads.runs_per_step(item.script_id)
        title = live.document.title.get(locale_of(request)) or live.document.title["da"]
        steps = [
            StepReach(step.id, per_step.get(step.id, 0), per_step.get(step.id, 0) / started)
            if started
            else StepReach(step.id, 0, None)
            for step in live.document.steps
            if step.type != "message"
        ]
        out.append(ScriptReach(item.script_id, title, started, steps))
    return out


@staff_only
async def cohort(request: web.Request) -> web.StreamResponse:
    runtime = console_of(request).app.runtime
    service = CohortService(
        db(request), runtime.clock, runtime.report_sources, runtime.settings.timezone
    )
    rows = await service.overview(signed_in(request).person)
    reach = await script_reach(request)
    await db(request).commit()
    return render(request, "cohort.html", {"rows": rows, "reach": reach})


async def _people_context(request: web.Request) -> dict[str, Any]:
    session = db(request)
    people = PeopleRepository(session)
    mentors = [m for m in await people.with_role(Role.MENTOR) if m.left_at is None]
    youths = await youths_for(session, signed_in(request).person)
    current = {y.id: await people.current_mentor(y.id) for y in youths}
    requests = await ConsoleReadsRepository(session).open_erasure_requests()
    asking = {r.id: await people.by_id(r.person_id) for r in requests}
    return {
        "mentors": mentors,
        "youths": youths,
        "current": current,
        "requests": requests,
        "asking": asking,
        "done": request.query.get("done", ""),
    }


@staff_only
async def people_page(request: web.Request) -> web.StreamResponse:
    return render(request, "people.html", await _people_context(request))


def qr_svg(link: str) -> str:
    """The invite link as a QR code (an SVG data URI: allowed by the CSP, no script)."""
    return str(segno.make(link, error="m").svg_data_uri(scale=5, border=2))


@staff_only
async def invite(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    console = console_of(request)
    role_raw = str(form.get("role", ""))
    if role_raw not in {role.value for role in Role}:
        return not_found(request)
    role = Role(role_raw)
    mentor_telegram_id = None
    mentor_raw = str(form.get("mentor", ""))
    if role is Role.YOUTH and mentor_raw.isdigit():
        mentor = await PeopleRepository(db(request)).by_id(int(mentor_raw))
        mentor_telegram_id = mentor.telegram_id if mentor is not None else None
    onboarding = OnboardingService(
        db(request), console.app.clock, console.app.settings.invite_ttl_hours
    )
    try:
        made = await onboarding.create_invite(
            role,
            mentor_telegram_id=mentor_telegram_id,
            name=str(form.get("name", "")) or None,
            created_by=signed_in(request).person,
        )
    except InviteError:
        return not_found(request)
    link = invite_link(await bot_username(console.app.settings, console.app.bot), made.code)
    return render(
        request,
        "invite.html",
        {
            "invite": made,
            "link": link,
            "qr": qr_svg(link),
            "hours": console.app.settings.invite_ttl_hours,
            "role": role,
        },
    )


async def _tell(request: web.Request, person: Person, text: str) -> None:
    """A message in the bot; a person who blocked it is simply not told."""
    app = console_of(request).app
    if person.unreachable_since is not None:
        return
    with app.i18n.use_locale(person.locale or app.settings.default_locale):
        for part in split_message(text):
            with suppress(TelegramAPIError):
                await app.bot.send_message(person.telegram_id, part)


@staff_only
async def hand_over(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    youth_raw, mentor_raw = str(form.get("youth", "")), str(form.get("mentor", ""))
    if not (youth_raw.isdigit() and mentor_raw.isdigit()):
        return see_other("/staff/people?done=nothing")
    runtime = console_of(request).app.runtime
    desk = MentorDesk(db(request), runtime.clock, runtime.report_sources)
    try:
        done = await desk.hand_over(signed_in(request).person, int(youth_raw), int(mentor_raw))
    except ReportAccessDenied:
        return not_found(request)
    app = console_of(request).app
    for person, for_youth in ((done.new_mentor, False), (done.youth, True)):
        locale = person.locale or app.settings.default_locale
        with app.i18n.use_locale(locale):
            text = handover_text(done, for_youth=for_youth, locale=locale)
        await _tell(request, person, text)
    return see_other("/staff/people?done=handover")


@staff_only
async def erasure(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    try:
        request_id = int(request.match_info["request_id"])
    except ValueError:
        return not_found(request)
    approve = form.get("decision") == "approve"
    app = console_of(request).app
    decision = await PrivacyService(db(request), app.clock).decide_erasure(
        signed_in(request).person, request_id, approve
    )
    if decision is None:
        return not_found(request)
    chat = decision.youth_telegram_id
    if decision.approved:
        await FSMContext(app.storage, StorageKey(app.bot.id, chat, chat)).clear()
    with app.i18n.use_locale(decision.youth_locale or app.settings.default_locale):
        told = (
            _("Everything Fremad stored about you is now deleted. Take care — and good luck. 🌱")
            if decision.approved
            else _(
                "Your data was not deleted yet. Please talk to your contact person or a staff "
                "member about it."
            )
        )
    with suppress(TelegramAPIError):
        await app.bot.send_message(chat, told)
    return see_other("/staff/people?done=" + ("erased" if decision.approved else "kept"))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/staff/cohort", cohort, name="cohort")
    app.router.add_get("/staff/people", people_page, name="people")
    app.router.add_post("/staff/people/invite", invite, name="invite")
    app.router.add_post("/staff/people/handover", hand_over, name="handover")
    app.router.add_post("/staff/people/erasure/{request_id}", erasure, name="erasure")
