"""Each sub-goal's weekly measure: a short staff script `measure_<sub-goal>` whose yes/no answer
(metric "measure") the summary counts — e.g. community: "talked to someone at the workplace or
school this week".

The rules, in plain words:
- `/focus` asks about the young person's focus sub-goals (agreed at the last joint review; else
  their active sub-goals), one script at a time: the first not yet answered this ISO week.
- Sobriety is asked only where the mentor switched that sub-goal on, and its measure reaches the
  summary only from a run where the young person said yes to sharing it (metric
  "share_consent") — never otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.figures import MeasureFact, Period
from storage.models import Answer
from storage.repositories.reporting import ReportReadsRepository

MEASURE_PURPOSE = "measure"
MEASURE_METRIC = "measure"
CONSENT_METRIC = "share_consent"
CONSENT_NEEDED = frozenset({"sobriety"})


def measure_script(subgoal: str) -> str:
    return f"measure_{subgoal}"


def _yes(answer: Answer) -> bool | None:
    if answer.skipped:
        return None
    value = json.loads(answer.value)
    return value if isinstance(value, bool) else None


def count_measures(answers: Sequence[Answer], active: Sequence[str]) -> list[MeasureFact]:
    """Yes and asked per sub-goal; consent-bound sub-goals only from runs the youth shared."""
    shared_runs = {a.run_id for a in answers if a.metric == CONSENT_METRIC and _yes(a) is True}
    counts: dict[str, list[int]] = {}
    for answer in answers:
        if answer.metric != MEASURE_METRIC or answer.subgoal is None:
            continue
        value = _yes(answer)
        if value is None:
            continue
        if answer.subgoal in CONSENT_NEEDED and (
            answer.subgoal not in active or answer.run_id not in shared_runs
        ):
            continue
        yes_asked = counts.setdefault(answer.subgoal, [0, 0])
        yes_asked[0] += int(value)
        yes_asked[1] += 1
    order = {subgoal: index for index, subgoal in enumerate(active)}
    return [
        MeasureFact(subgoal, yes, asked)
        for subgoal, (yes, asked) in sorted(counts.items(), key=lambda kv: order.get(kv[0], 99))
    ]


async def measures_in(
    session: AsyncSession, youth_id: int, period: Period, active: Sequence[str]
) -> list[MeasureFact]:
    answers = await ReportReadsRepository(session).answers(
        youth_id, period.first, period.last, free_text=False
    )
    return count_measures(answers, active)


async def next_unanswered(
    session: AsyncSession, youth_id: int, today: date, candidates: Sequence[str]
) -> str | None:
    """The first candidate sub-goal whose measure was not answered this ISO week."""
    monday = today - timedelta(days=today.weekday())
    answers = await ReportReadsRepository(session).answers(
        youth_id, monday, today, free_text=False
    )
    done = {a.subgoal for a in answers if a.metric == MEASURE_METRIC}
    return next((subgoal for subgoal in candidates if subgoal not in done), None)
