"""A redelivered update (the same update_id again) is handled once.

Telegram redelivers when it got no answer in time (webhook) or the offset was not confirmed
before a crash (polling). Two layers: a bounded set of recent ids in this process (cheap, no
database), and a claim row per update id in the database, shared by every instance.

The claim is the first statement of the update's own transaction (bot/middlewares/database.py),
so it is stored exactly when what the update did is stored:
- the transaction commits: the claim says "handled" and a redelivery is ignored;
- the handler fails or the process dies before the commit: the claim goes with the rollback, so
  a redelivery is handled again (nothing is lost);
- a redelivery while the update is still being handled waits: in-process and across instances
  sharing Redis on the per-chat lock, and on PostgreSQL on the uncommitted claim row itself
  (the unique key makes a second INSERT wait for the first transaction). Then the claim is
  taken (ignored) or the first holder died (handled here). No "still in progress" answer and no
  lease are needed for updates of this version; a claim left unfinished by an older version
  is still taken over after `LEASE`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import timedelta

from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.repositories.safety import ProcessedUpdatesRepository

LEASE = timedelta(minutes=2)


def update_fingerprint(update: Update) -> str:
    """A short hash of the whole update: equal for a redelivery, different for a reused id."""
    raw = update.model_dump_json(exclude_none=True, exclude_unset=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


class RecentUpdates:
    """Update ids this process handled lately, with their fingerprints (bounded)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.seen: OrderedDict[tuple[int, int], str] = OrderedDict()

    def handled(self, key: tuple[int, int], fingerprint: str) -> bool:
        return self.seen.get(key) == fingerprint

    def remember(self, key: tuple[int, int], fingerprint: str) -> None:
        self.seen[key] = fingerprint
        self.seen.move_to_end(key)
        while len(self.seen) > self.size:
            self.seen.popitem(last=False)


async def claim_update(
    session: AsyncSession, key: tuple[int, int], fingerprint: str, clock: Clock
) -> bool:
    """Claims the update in `session`'s transaction; False: it was already handled."""
    now = clock.now()
    return await ProcessedUpdatesRepository(session).claim(
        key[0], key[1], fingerprint, now, now - LEASE, handled=True
    )


async def release_update(session: AsyncSession, key: tuple[int, int]) -> None:
    """Forgets a claim a failed update had already committed (a handler that commits more than
    once), so a redelivery is handled again. Commits."""
    await ProcessedUpdatesRepository(session).release(*key)
    await session.commit()
