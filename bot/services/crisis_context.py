"""Context for the crisis screen: did the young person just give a low mood answer?

Some words are everyday on their own ("jeg giver op", "what's the point") but a warning sign
right after "how are you?" was answered with 1 or 2. The rule file marks those rules
``context: low_mood``; this module answers the question, and only when the text would change
with it (the screen asks :meth:`CrisisRules.context_sensitive` first), so an ordinary message
costs no extra read.

Low mood "just before" means: the mood answer of the check-in running now (from the
conversation state, no database needed), or a check-in mood recorded today or yesterday
(the young person's own day), at most ``low_mood_max``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.models import Person
from storage.repositories.reporting import ReportReadsRepository

log = logging.getLogger(__name__)

MOOD_KEY = "mood"


def mood_in_conversation(data: dict[str, Any] | None) -> float | None:
    """The mood answered in the script run now in progress, if any."""
    run = (data or {}).get("dialog")
    state = run.get("state") if isinstance(run, dict) else None
    answers = state.get("answers") if isinstance(state, dict) else None
    mood = answers.get(MOOD_KEY) if isinstance(answers, dict) else None
    return float(mood) if isinstance(mood, int | float) and not isinstance(mood, bool) else None


async def low_mood_before(
    session: AsyncSession,
    clock: Clock,
    person: Person | None,
    conversation: dict[str, Any] | None,
    low_mood_max: int,
) -> bool:
    mood = mood_in_conversation(conversation)
    if mood is not None:
        return mood <= low_mood_max
    if person is None or not person.is_youth:
        return False
    today = clock.now().astimezone(ZoneInfo(person.timezone)).date()
    try:
        days = await ReportReadsRepository(session).checkin_days(
            person.id, today - timedelta(days=1), today
        )
    except (SQLAlchemyError, OSError):
        # The database being away must not stop the screen: without context the plain rules
        # still apply.
        log.warning("crisis context: mood lookup failed")
        return False
    moods = [day.mood for day in days if day.mood is not None]
    return bool(moods) and moods[-1] <= low_mood_max
