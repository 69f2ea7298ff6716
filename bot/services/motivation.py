"""The motivation feature's services for one session, built from the long-lived runtime:
goals, ratings, successes, active sub-goals, progression, and starting its conversations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import PromptLibrary
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.dialog_runner import DialogRunner
from bot.services.goals import GoalService
from bot.services.motivation_flows import MotivationFlows
from bot.services.progress_reads import ProgressReads
from bot.services.progression import ProgressionService
from bot.services.prompt_library import LibrarySource, prompt_library
from bot.services.prompts import PromptService
from bot.services.ratings import RatingService
from bot.services.script_registry import UnknownScript
from bot.services.successes import SuccessService

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class Motivation:
    goals: GoalService
    ratings: RatingService
    successes: SuccessService
    active: ActiveSubgoals
    progression: ProgressionService
    flows: MotivationFlows


def library_of(runtime: Runtime) -> PromptLibrary:
    """The shipped library (dialogs/scripts/prompts.yaml)."""
    settings = runtime.settings
    return prompt_library(settings.dialogs_dir, runtime.catalogue, settings.script_folder)


def live_library(session: AsyncSession, runtime: Runtime) -> LibrarySource:
    """The library in use when it is needed: the version staff published in the bot (one
    indexed lookup; parsed versions are cached), else the shipped file."""

    async def fetch() -> PromptLibrary:
        try:
            return await runtime.scripts.prompt_library(session, runtime.clock.now())
        except UnknownScript:
            return library_of(runtime)

    return fetch


def motivation_services(
    session: AsyncSession, runtime: Runtime, runner: DialogRunner
) -> Motivation:
    clock = runtime.clock
    goals = GoalService(session, clock, live_library(session, runtime))
    active = ActiveSubgoals(session, runtime.catalogue, clock)
    return Motivation(
        goals=goals,
        ratings=RatingService(session, clock),
        successes=SuccessService(session, clock),
        active=active,
        progression=ProgressionService(session),
        flows=MotivationFlows(runner, goals, active),
    )


def prompt_service(session: AsyncSession, runtime: Runtime) -> PromptService:
    return PromptService(
        session,
        runtime.clock,
        live_library(session, runtime),
        runtime.catalogue,
        runtime.settings.default_locale,
    )


def progress_reads(session: AsyncSession, runtime: Runtime) -> ProgressReads:
    """The read APIs for the weekly summary (see bot/services/progress_reads.py)."""
    return ProgressReads(session, runtime.clock, library_of(runtime))
