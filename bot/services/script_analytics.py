"""Where young people drop off in a script: per step, over the last four weeks, how many reached
it (the question was put to them), answered it, skipped it, and the median time to answer.

Counted per conversation (run): a question asked again after an invalid answer is reached once;
the time to answer runs from the first time it was shown to the first answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Script
from storage.repositories.dialogs import StepStatsRepository

WINDOW = timedelta(weeks=4)


@dataclass(frozen=True)
class StepFigures:
    step_id: str
    reached: int
    answered: int
    skipped: int
    median_seconds: float | None


async def step_figures(session: AsyncSession, script: Script, now: datetime) -> list[StepFigures]:
    """One line per question of the script (in file order), all versions of the last 4 weeks."""
    repo = StepStatsRepository(session)
    since = now - WINDOW
    shown: dict[tuple[str, str], datetime] = {}
    for run, step_id, at in await repo.shown_since(script.id, since):
        shown.setdefault((run, step_id), at)
    answered: dict[tuple[str, str], tuple[datetime, bool]] = {}
    for run, step_id, at, skipped in await repo.answered_since(script.id, since):
        answered.setdefault((run, step_id), (at, skipped))
    out = []
    for step in script.steps:
        if not step.is_question:
            continue
        runs = {run for run, sid in shown if sid == step.id}
        runs |= {run for run, sid in answered if sid == step.id}
        replies = [answered[(run, step.id)] for run in runs if (run, step.id) in answered]
        waits = [
            (at - shown[(run, step.id)]).total_seconds()
            for run in runs
            if (run, step.id) in answered and (run, step.id) in shown
            for at, skipped in [answered[(run, step.id)]]
            if not skipped and at >= shown[(run, step.id)]
        ]
        out.append(
            StepFigures(
                step.id,
                reached=len(runs),
                answered=sum(1 for _at, skipped in replies if not skipped),
                skipped=sum(1 for _at, skipped in replies if skipped),
                median_seconds=median(waits) if waits else None,
            )
        )
    return out
