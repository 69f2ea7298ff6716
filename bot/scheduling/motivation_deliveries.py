"""What the scheduler sends for the motivation feature.

- "prompt": one motivational prompt, chosen when it is sent (bot/services/prompt_rules.py).
  Queued right after a finished check-in (trigger "checkin"), and planned on each check-in day
  PROMPT_OWN_TIME_DELAY after the youth's check-in time (trigger "own_time": only a way back
  after missed days). At most one a day either way. The one after a check-in never lands in
  the middle of a conversation the young person opened meanwhile (one question at a time): it
  waits like the self-rating, within its day.
- "self_rating": the weekly self-rating on the configured weekday, at the configured time or
  the youth's check-in time. It never interrupts another open conversation (e.g. the check-in
  sent at the same moment): it waits OPEN_CONVERSATION_RETRY and tries again, a few times.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import dialog_runner
from bot.dialogs import Turn
from bot.runtime import Runtime
from bot.scheduling.checkin_composers import conversation_of
from bot.scheduling.registry import ComposeContext, DeliveryRegistry, DueDelivery, PlanWindow
from bot.services.checkin_schedule import (
    CheckinSchedule,
    checkin_due_at,
    due_checkin_dates,
    parse_schedule,
)
from bot.services.checkins import CHECKIN_PURPOSE
from bot.services.dialog_runner import RunInfo
from bot.services.motivation import library_of, motivation_services, prompt_service
from bot.services.motivation_flows import chain_hook, register_motivation_hooks
from bot.services.prompt_rules import Trigger
from bot.services.successes import SuccessService, iso_week_key, local_day
from bot.telegram.checkin_keyboards import control_rows
from bot.telegram.dialog_render import turn_messages
from bot.telegram.send_queue import SendMethod
from storage.models import DeliveryStatus, Person
from storage.repositories.deliveries import (
    CheckinCandidate,
    DeliveriesRepository,
    NewDelivery,
    ScheduleCandidatesRepository,
)

log = logging.getLogger(__name__)

PROMPT = "prompt"
SELF_RATING = "self_rating"
OPEN_CONVERSATION_RETRY = timedelta(minutes=20)
OPEN_CONVERSATION_MAX_TRIES = 12


async def queue_prompt_after_checkin(session: AsyncSession, person: Person, now: datetime) -> None:
    """A prompt delivery due now (the check-in's hook cannot send). Does not commit."""
    day = local_day(person, now)
    await DeliveriesRepository(session).add_due(
        [
            NewDelivery(
                person.id, PROMPT, f"{day.isoformat()}:checkin", now, {"trigger": "checkin"}
            )
        ],
        now,
        DeliveryStatus.PENDING,
    )


def _schedule(candidate: CheckinCandidate, days: str, at: str | None) -> CheckinSchedule | None:
    try:
        return parse_schedule(
            at or candidate.checkin_time,
            days,
            candidate.timezone,
            candidate.paused_from,
            candidate.paused_until,
        )
    except (ValueError, KeyError):
        log.warning("person %d has unusable schedule settings", candidate.person_id)
        return None


def register_motivation_deliveries(registry: DeliveryRegistry, runtime: Runtime) -> None:
    settings = runtime.settings
    own_time_delay = timedelta(minutes=settings.prompt_own_time_delay_minutes)

    async def plan_own_time_prompts(window: PlanWindow) -> list[NewDelivery]:
        if own_time_delay <= timedelta(0):
            return []
        due: list[NewDelivery] = []
        for candidate in await ScheduleCandidatesRepository(window.session).checkin_candidates():
            schedule = _schedule(candidate, candidate.checkin_days, None)
            if schedule is None:
                continue
            since, now = window.since - own_time_delay, window.now - own_time_delay
            for day in due_checkin_dates(schedule, since, now):
                at = checkin_due_at(schedule, day) + own_time_delay
                due.append(
                    NewDelivery(
                        candidate.person_id,
                        PROMPT,
                        f"{day.isoformat()}:own",
                        at,
                        {"trigger": "own_time"},
                    )
                )
        return due

    async def plan_self_ratings(window: PlanWindow) -> list[NewDelivery]:
        due: list[NewDelivery] = []
        weekday = str(settings.self_rating_weekday)
        for candidate in await ScheduleCandidatesRepository(window.session).checkin_candidates():
            schedule = _schedule(candidate, weekday, settings.self_rating_time)
            if schedule is None:
                continue
            for day in due_checkin_dates(schedule, window.since, window.now):
                due.append(
                    NewDelivery(
                        candidate.person_id,
                        SELF_RATING,
                        iso_week_key(day),
                        checkin_due_at(schedule, day),
                        {"day": day.isoformat(), "try": 1},
                    )
                )
        return due

    async def compose_prompt(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        trigger: Trigger = (
            "own_time" if delivery.payload.get("trigger") == "own_time" else "checkin"
        )
        async with runtime.sessionmaker() as session:
            runner = dialog_runner(session, runtime)
            conversation = conversation_of(ctx, person)
            info = await runner.open_run(conversation)
            if trigger == "checkin" and info is not None:
                # Another conversation opened after the check-in waits for an answer.
                if local_day(person, ctx.now + OPEN_CONVERSATION_RETRY) == _slot_day(delivery):
                    await _retry_later(session, delivery, ctx.now)
                return []
            prompt = await prompt_service(session, runtime).send_now(person, trigger)
            if prompt is None:
                return []
            if trigger == "own_time":
                # A way back after missed days comes with today's check-in under it, so the
                # question it asks can be answered with a tap.
                day = local_day(person, ctx.now)
                if info is not None and info.purpose == CHECKIN_PURPOSE and info.for_date == day:
                    with (
                        runtime.i18n.context(),
                        runtime.i18n.use_locale(person.locale or settings.default_locale),
                    ):
                        run = await runner.resume(person, conversation)
                        if run is not None:
                            return turn_messages(
                                person.telegram_id,
                                run,
                                extra=control_rows(day),
                                intro=prompt.text,
                                merge=True,
                            )
        return [SendMessage(chat_id=person.telegram_id, text=prompt.text)]

    async def compose_self_rating(
        ctx: ComposeContext, delivery: DueDelivery, person: Person
    ) -> Sequence[SendMethod]:
        async with runtime.sessionmaker() as session:
            runner = dialog_runner(session, runtime)
            conversation = conversation_of(ctx, person)
            if await runner.open_run(conversation) is not None:
                await _retry_later(session, delivery, ctx.now)
                return []
            flows = motivation_services(session, runtime, runner).flows
            day = local_day(person, ctx.now)
            with (
                runtime.i18n.context(),
                runtime.i18n.use_locale(person.locale or settings.default_locale),
            ):
                run = await flows.begin_self_rating(person, conversation, day)
                return turn_messages(person.telegram_id, run)

    registry.register(PROMPT, planner=plan_own_time_prompts, composer=compose_prompt)
    registry.register(SELF_RATING, planner=plan_self_ratings, composer=compose_self_rating)


def _slot_day(delivery: DueDelivery) -> date:
    """The local day a prompt's slot is for ("2026-11-23:checkin@2")."""
    return date.fromisoformat(delivery.slot_key.split(":", 1)[0])


async def _retry_later(session: AsyncSession, delivery: DueDelivery, now: datetime) -> None:
    """Another conversation is open: try again a little later (a few times, then let go)."""
    tries = int(delivery.payload.get("try", 1))
    if tries >= OPEN_CONVERSATION_MAX_TRIES:
        return
    slot = delivery.slot_key.split("@", 1)[0]
    at = now + OPEN_CONVERSATION_RETRY
    await DeliveriesRepository(session).add_due(
        [
            NewDelivery(
                delivery.person_id,
                delivery.kind,
                f"{slot}@{tries + 1}",
                at,
                {**delivery.payload, "try": tries + 1},
            )
        ],
        now,
        DeliveryStatus.PENDING,
    )
    await session.commit()


def register_motivation(runtime: Runtime, registry: DeliveryRegistry) -> None:
    """The feature's dialog hooks, its hook after the check-in, and its scheduled kinds.
    Call after the check-in feature registered its hooks (this one runs after theirs)."""
    hooks = runtime.dialog_hooks
    register_motivation_hooks(hooks, runtime.clock, lambda: library_of(runtime))

    async def after_checkin(
        session: AsyncSession, person: Person, info: RunInfo, turn: Turn, now: datetime
    ) -> None:
        await SuccessService(session, runtime.clock).refresh_from_data(
            person, local_day(person, now)
        )
        await queue_prompt_after_checkin(session, person, now)

    chain_hook(hooks.on_finished, CHECKIN_PURPOSE, after_checkin)
    register_motivation_deliveries(registry, runtime)
