"""Motivational prompts: gathers a youth's data into `PromptFacts`, lets the rule engine
(bot/services/prompt_rules.py) choose, records the prompt with the rule that chose it, and
renders it in the youth's language. The scheduler sends it (delivery kind "prompt").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import SubgoalCatalogue, render_localized
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.checkin_schedule import DayStatus, current_streak
from bot.services.figures import day_status
from bot.services.prompt_library import LibrarySource, resolve_library
from bot.services.prompt_rules import (
    REPEAT_WINDOW_DAYS,
    Celebration,
    PromptChoice,
    PromptFacts,
    Trigger,
    choose_prompt,
)
from bot.services.ratings import RatingService
from bot.services.successes import SuccessService, iso_week_key, local_day
from storage.models import Person, SentPrompt, StepStatus, SuccessKind
from storage.repositories.checkins import CheckinDaysRepository
from storage.repositories.goals import GoalsRepository
from storage.repositories.motivation import MotivationRepository

CELEBRATE_STEPS_WITHIN_DAYS = 2
CELEBRATE_RATINGS_WITHIN_DAYS = 7
DROPPED_WITHIN_DAYS = 14


@dataclass(frozen=True)
class RenderedPrompt:
    text: str
    prompt_id: str
    rule: str


class PromptService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        library: LibrarySource,
        catalogue: SubgoalCatalogue,
        default_locale: str = "da",
    ) -> None:
        self.session = session
        self.clock = clock
        self.library = library
        self.catalogue = catalogue
        self.default_locale = default_locale
        self.repo = MotivationRepository(session)

    async def send_now(self, youth: Person, trigger: Trigger) -> RenderedPrompt | None:
        """Chooses today's prompt (or none), records it with its rule, commits, renders."""
        today = local_day(youth, self.clock.now())
        await SuccessService(self.session, self.clock).refresh_from_data(youth, today)
        library = await resolve_library(self.library)
        choice = choose_prompt(await self.facts(youth, trigger, today), library)
        if choice is None:
            await self.session.commit()
            return None
        recorded = await self.repo.add_prompt_once(
            SentPrompt(
                youth_id=youth.id,
                prompt_id=choice.prompt.id,
                rule=choice.rule,
                subgoal=choice.subgoal,
                ref=choice.ref,
                local_date=today,
                sent_at=self.clock.now(),
            )
        )
        await self.session.commit()
        return self.render(youth, choice) if recorded else None

    async def asked_since(self, youth: Person, since: datetime) -> bool:
        """Did the latest prompt sent since ``since`` ask the young person something?"""
        sent = await self.repo.prompts_since(youth.id, local_day(youth, since))
        latest = next((row for row in sent if row.sent_at >= since), None)
        if latest is None:
            return False
        library = await resolve_library(self.library)
        try:
            prompt = library.prompt(latest.prompt_id)
        except KeyError:
            return False
        return any("?" in text for text in prompt.text.values())

    def render(self, youth: Person, choice: PromptChoice) -> RenderedPrompt:
        locale = youth.locale or self.default_locale
        values: dict[str, object] = {"first_name": youth.first_name, **choice.variables}
        if choice.subgoal is not None:
            values["subgoal"] = self.catalogue.youth_name(choice.subgoal, locale)
        text = render_localized(choice.prompt.text, locale, values)
        return RenderedPrompt(text, choice.prompt.id, choice.rule)

    async def facts(self, youth: Person, trigger: Trigger, today: date) -> PromptFacts:
        sent = await self.repo.prompts_since(youth.id, today - timedelta(REPEAT_WINDOW_DAYS - 1))
        days = await CheckinDaysRepository(self.session).between(
            youth.id, today - timedelta(days=200), today
        )
        records = [(row.local_date, day_status(row.status, row.local_date, today)) for row in days]
        week_ago = today - timedelta(days=6)
        moods = [r.mood for r in reversed(days) if r.mood is not None and r.local_date >= week_ago]
        return PromptFacts(
            today=today,
            trigger=trigger,
            prompted_today=any(p.local_date == today for p in sent),
            days_since_last_prompt=(today - sent[0].local_date).days if sent else None,
            days_since_low_mood_check=next(
                ((today - p.local_date).days for p in sent if p.rule == "low_mood_check"), None
            ),
            recent_prompt_ids=frozenset(p.prompt_id for p in sent),
            celebrated_refs=frozenset(p.ref for p in sent if p.ref),
            recent_moods=moods,
            days_missed=_days_missed(records, today),
            checked_in_today=any(d == today and s is DayStatus.KEPT for d, s in records),
            streak=current_streak(records),
            steps_done=await self._steps_done(youth, today),
            ratings_rose=await self._ratings_rose(youth, today),
            attended_week=(
                Celebration(f"attendance:{iso_week_key(today)}")
                if await SuccessService(self.session, self.clock).attended_week(youth.id, today)
                else None
            ),
            dropped_subgoal=await self._dropped_subgoal(youth, today),
            weakest_subgoal=await self._weakest_subgoal(youth),
        )

    async def _steps_done(self, youth: Person, today: date) -> list[Celebration]:
        repo = GoalsRepository(self.session)
        steps = await repo.recently_closed(
            youth.id, StepStatus.DONE, today - timedelta(days=CELEBRATE_STEPS_WITHIN_DAYS)
        )
        goals = await repo.goals_by_id([s.goal_id for s in steps])
        return [Celebration(f"step:{s.id}", goals[s.goal_id].subgoal, s.text) for s in steps]

    async def _ratings_rose(self, youth: Person, today: date) -> list[Celebration]:
        since = today - timedelta(days=CELEBRATE_RATINGS_WITHIN_DAYS)
        rows = await self.repo.successes(youth.id, since, today)
        return [
            Celebration(row.ref or f"success:{row.id}", row.subgoal)
            for row in reversed(rows)
            if row.kind == SuccessKind.RATING_ROSE.value
        ]

    async def _dropped_subgoal(self, youth: Person, today: date) -> str | None:
        repo = GoalsRepository(self.session)
        dropped = await repo.recently_closed(
            youth.id, StepStatus.DROPPED, today - timedelta(days=DROPPED_WITHIN_DAYS)
        )
        if not dropped:
            return None
        goal = await repo.goal(dropped[0].goal_id)
        return goal.subgoal if goal else None

    async def _weakest_subgoal(self, youth: Person) -> str | None:
        active = await ActiveSubgoals(self.session, self.catalogue, self.clock).of(youth.id)
        latest = await RatingService(self.session, self.clock).latest_self(youth.id)
        rated = [(latest[s], index, s) for index, s in enumerate(active) if s in latest]
        return min(rated)[2] if rated else None


def _days_missed(records: list[tuple[date, DayStatus]], today: date) -> int:
    """Check-in days in a row before today that were not answered (paused days are stepped
    over; an answered or honestly skipped day ends the count)."""
    missed = 0
    for day, status in sorted(records, reverse=True):
        if day >= today:
            continue
        if status in (DayStatus.MISSED, DayStatus.OPEN):
            missed += 1
        elif status in (DayStatus.KEPT, DayStatus.SKIPPED):
            break
    return missed
