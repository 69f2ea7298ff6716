"""The scheduler's side of script triggers: kind "script".

Planner: every live script's `schedule` triggers (and the `silent_days` event, which is a
condition over time) → one delivery per person and moment. Other events are queued by the
features where they happen (bot/services/script_triggers.emit_event); commands are answered by
bot/handlers/scripts.py.

Composer: starts the script for the person — unless the script lost that trigger or is for
another audience, the young person is paused or in their quiet night (it waits for the
morning), or another conversation is open (it waits RETRY and tries again, a few times).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import dialog_runner
from bot.dialogs import Script
from bot.dialogs.triggers import ROLE_OF_AUDIENCE, EventTrigger, ScheduleTrigger
from bot.runtime import Runtime
from bot.scheduling.checkin_composers import conversation_of
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.dialog_runner import SCRIPT_FAILED, ScriptFailed
from bot.services.script_registry import UnknownScript
from bot.services.script_triggers import (
    SCRIPT_KIND,
    SCRIPT_PURPOSE,
    live_scripts,
    own_triggers,
    pause_covers,
    quiet_end,
    schedule_due,
    schedule_slot,
)
from bot.telegram.dialog_render import turn_messages
from bot.telegram.send_queue import SendMethod
from storage.models import CheckinStatus, DeliveryStatus, Person, Role, YouthSettings
from storage.repositories.deliveries import DeliveriesRepository, NewDelivery
from storage.repositories.people import PeopleRepository
from storage.repositories.script_triggers import TriggerCandidate, TriggerCandidatesRepository

log = logging.getLogger(__name__)

RETRY = timedelta(minutes=20)
MAX_TRIES = 6
SILENT_LOOKBACK_DAYS = 70


async def plan_script_starts(window: PlanWindow) -> list[NewDelivery]:
    scripts = await live_scripts(window.session)
    repo = TriggerCandidatesRepository(window.session)
    people: dict[str, list[TriggerCandidate]] = {}
    due: list[NewDelivery] = []
    for script in scripts:
        for index, trigger in own_triggers(script):
            if isinstance(trigger, ScheduleTrigger):
                audience = script.audience
                if audience not in people:
                    people[audience] = await repo.people(Role(ROLE_OF_AUDIENCE[audience]))
                for candidate in _chosen(people[audience], trigger):
                    for start in schedule_due(trigger, candidate, window.since, window.now):
                        due.append(
                            NewDelivery(
                                candidate.person_id,
                                SCRIPT_KIND,
                                schedule_slot(script, index, start.day),
                                start.at,
                                {"script": script.id, "trigger": index},
                            )
                        )
            elif isinstance(trigger, EventTrigger) and trigger.event == "silent_days":
                if "youths" not in people:
                    people["youths"] = await repo.people(Role.YOUTH)
                due += await _silent(window, script, index, trigger, people["youths"], repo)
    return due


def _chosen(
    candidates: list[TriggerCandidate], trigger: ScheduleTrigger
) -> list[TriggerCandidate]:
    out = candidates
    if trigger.mentor:
        wanted = trigger.mentor.casefold()
        out = [c for c in out if (c.mentor_name or "").casefold() == wanted]
    if trigger.cohort:
        out = [c for c in out if c.joined_at.strftime("%Y-%m") == trigger.cohort]
    return out


async def _silent(
    window: PlanWindow,
    script: Script,
    index: int,
    trigger: EventTrigger,
    youths: list[TriggerCandidate],
    repo: TriggerCandidatesRepository,
) -> list[NewDelivery]:
    """A start once per silent spell: `after_days` missed check-in days in a row."""
    needed = trigger.after_days or 1
    since = window.now.date() - timedelta(days=SILENT_LOOKBACK_DAYS)
    days = await repo.recent_days([c.person_id for c in youths], since)
    out = []
    for candidate in youths:
        spell = []
        for day, status in days.get(candidate.person_id, []):
            if status == CheckinStatus.MISSED.value:
                spell.append(day)
            elif status != CheckinStatus.PAUSED.value:
                break
        if len(spell) >= needed:
            first = spell[-1]
            out.append(
                NewDelivery(
                    candidate.person_id,
                    SCRIPT_KIND,
                    f"{script.id}:silent_days:{first.isoformat()}",
                    window.now + timedelta(minutes=trigger.delay_minutes),
                    {
                        "script": script.id,
                        "trigger": index,
                        "variables": {"days_missed": len(spell)},
                    },
                )
            )
    return out


def register_script_triggers(registry: DeliveryRegistry, runtime: Runtime) -> None:
    async def compose_script(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        script_id = str(delivery.payload.get("script", ""))
        async with runtime.sessionmaker() as session:
            try:
                live = await runtime.scripts.active(session, script_id, ctx.now)
            except UnknownScript:
                return []
            script = live.script
            if not _still_triggered(script, delivery) or not person.has_role(
                Role(ROLE_OF_AUDIENCE[script.audience])
            ):
                return []
            if script.audience == "youths":
                if await _paused(session, person, ctx.now):
                    return []
                morning = quiet_end(ctx.now, person.timezone)
                if morning is not None:
                    await _again(session, delivery, morning, "q", ctx.now)
                    return []
            runner = dialog_runner(session, runtime)
            conversation = conversation_of(ctx, person)
            if await runner.open_run(conversation) is not None:
                tries = int(delivery.payload.get("try", 1))
                if tries < MAX_TRIES:
                    await _again(session, delivery, ctx.now + RETRY, str(tries + 1), ctx.now)
                return []
            variables = dict(delivery.payload.get("variables") or {})
            mentor = await _mentor_name(session, person)
            if mentor:
                variables.setdefault("mentor_name", mentor)
            today = ctx.now.astimezone(ZoneInfo(person.timezone)).date()
            with (
                runtime.i18n.context(),
                runtime.i18n.use_locale(person.locale or runtime.settings.default_locale),
            ):
                try:
                    run = await runner.begin(
                        person,
                        conversation,
                        script_id,
                        purpose=SCRIPT_PURPOSE,
                        for_date=today,
                        ref=delivery.slot_key,
                        variables=variables,
                    )
                except ScriptFailed:
                    return []  # logged, staff alerted; the young person was not yet asked
                return turn_messages(person.telegram_id, run, merge=False)

    async def compose_failure_alert(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        """To a staff member: which script stopped, where, and what to do."""
        if not person.is_staff:
            return []
        payload = delivery.payload
        with (
            runtime.i18n.context(),
            runtime.i18n.use_locale(person.locale or runtime.settings.default_locale),
        ):
            text = _(
                "⚠️ The dialog script <code>{script}</code> (version {version}) stopped with an "
                "error at step <code>{step}</code>, so a conversation with a young person was "
                "closed. They got a kind message and their answers so far are kept.\n"
                "Check the file with <code>fremad dialogs lint</code>, then publish a fixed "
                "version or roll back in /scripts."
            ).format(
                script=html.escape(str(payload.get("script"))),
                version=html.escape(str(payload.get("version"))),
                step=html.escape(str(payload.get("step") or "—")),
            )
        return [SendMessage(chat_id=person.telegram_id, text=text)]

    registry.register(SCRIPT_KIND, planner=plan_script_starts, composer=compose_script)
    registry.register(SCRIPT_FAILED, composer=compose_failure_alert)


def _still_triggered(script: Script, delivery: DueDelivery) -> bool:
    """A start planned before staff removed the trigger is not sent."""
    index = delivery.payload.get("trigger")
    own = dict(own_triggers(script))
    if not isinstance(index, int) or index not in own:
        return False
    kind = delivery.slot_key.split(":", 2)[1] if delivery.slot_key.count(":") >= 2 else ""
    trigger = own[index]
    if isinstance(trigger, EventTrigger):
        return kind == trigger.event
    return isinstance(trigger, ScheduleTrigger)


async def _paused(session: AsyncSession, person: Person, now: datetime) -> bool:
    settings = await session.get(YouthSettings, person.id)
    if settings is None:
        return False
    today = now.astimezone(ZoneInfo(person.timezone)).date()
    return pause_covers(settings.paused_from, settings.paused_until, today)


async def _mentor_name(session: AsyncSession, person: Person) -> str | None:
    mentor = await PeopleRepository(session).current_mentor(person.id)
    return mentor.first_name if mentor is not None else None


async def _again(
    session: AsyncSession, delivery: DueDelivery, at: datetime, mark: str, now: datetime
) -> None:
    """The same start later, as its own ledger row (slot "<slot>#<mark>")."""
    base = delivery.slot_key.split("#", 1)[0]
    tries = int(mark) if mark.isdigit() else delivery.payload.get("try", 1)
    payload = {**delivery.payload, "try": tries}
    await DeliveriesRepository(session).add_due(
        [NewDelivery(delivery.person_id, SCRIPT_KIND, f"{base}#{mark}", at, payload)],
        now,
        DeliveryStatus.PENDING,
    )
    await session.commit()
