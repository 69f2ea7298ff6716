"""The database transaction of the update being handled, for code that is not handed it.

One update is one session and, in the common case, one transaction: the update's claim, the
person and conversation reads, the handler's writes (bot/middlewares/database.py). The FSM
storage reads and writes the conversation in it, and a Bot API request commits what the update
wrote before it leaves (bot/telegram/commit_before_send.py): a person never sees a message whose
state is not stored, and SQLite's one write lock is never held across a network round trip.
Outside an update (scheduler, CLI) there is no scope and each caller commits its own session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session


@dataclass
class UpdateScope:
    session: AsyncSession
    # Concurrent Bot API requests of one update (the next question and the old keyboard's
    # removal) commit at most once, never two commits on one session at the same time.
    commit_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def commit_before_send(self) -> None:
        """Commits what the update wrote since its last commit, if anything. A transaction that
        only read is left alone (it holds nothing a message depends on)."""
        if not wrote(self.session):
            return
        async with self.commit_lock:
            if wrote(self.session):
                await self.session.commit()


_WROTE = "fremad_wrote"


def wrote(session: AsyncSession) -> bool:
    """Whether the session's open transaction has written (a statement or a flush)."""
    return bool(session.sync_session.info.get(_WROTE))


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(_WROTE, None)


_current: ContextVar[UpdateScope | None] = ContextVar("fremad_update_scope", default=None)


def current_update() -> UpdateScope | None:
    return _current.get()


@contextmanager
def update_scope(session: AsyncSession) -> Iterator[UpdateScope]:
    scope = UpdateScope(session)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
