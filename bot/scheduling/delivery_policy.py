"""Per kind of scheduled message: what "sent once" means when Telegram's answer is lost, and for
how long a message still makes sense to send after an outage.

* **At least once** — alerts to mentors and staff (crisis included) and crisis updates:
  resent after a lost answer or a crash in flight; a mentor may see an alert twice, never zero
  times. Kept trying until acknowledged (the composer sends nothing once it is), at most a week.
* **At most once, with "did it arrive?"** — everything a young person receives (check-ins,
  reminders, prompts, attendance, ...) and the mentor's summary: a duplicate is worse than a
  late message. After a lost answer the chat is checked before anything is resent
  (bot/telegram/arrival_check.py); when that cannot be told, the row ends ``uncertain``.
* Lifetimes: day-bound messages (the check-in family, attendance, prompts) until the end of
  their local day; summaries 24 hours; anything else 24 hours. Then ``expired``.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# Kind names as registered (bot/scheduling/*, bot/services/alerts.py, crisis_response.py).
AT_LEAST_ONCE_KINDS = frozenset({"alert", "alert_escalation", "crisis_update"})
DAY_BOUND_KINDS = frozenset(
    {
        "checkin",
        "reminder",
        "checkin_later",
        "attendance_nudge",
        "attendance_followup",
        "attendance_unknown",
        "prompt",
        "self_rating",
    }
)
ALERT_LIFETIME = timedelta(days=7)
DEFAULT_LIFETIME = timedelta(hours=24)
# Back-off between tries after an outage: 30 s, 1, 2, 4 min, then every ~5 min, with jitter.
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(minutes=5)


def at_most_once(kind: str) -> bool:
    return kind not in AT_LEAST_ONCE_KINDS


def expires_at(kind: str, due_at: datetime, timezone: str) -> datetime:
    """The moment a delivery of ``kind`` due at ``due_at`` no longer makes sense."""
    if kind in AT_LEAST_ONCE_KINDS:
        return due_at + ALERT_LIFETIME
    if kind in DAY_BOUND_KINDS:
        zone = ZoneInfo(timezone)
        local_day = due_at.astimezone(zone).date()
        return datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone)
    return due_at + DEFAULT_LIFETIME


def next_attempt_after(attempts: int, now: datetime, rng: random.Random | None = None) -> datetime:
    """Exponential back-off with jitter (50–100 % of the step), capped at about 5 minutes."""
    step: timedelta = min(RETRY_CAP, RETRY_BASE * 2 ** max(attempts - 1, 0))
    jitter = 0.5 + (rng or random.Random()).random() / 2
    return now + step * jitter
