"""What can be scheduled: per kind, a planner (what is due) and a composer (what to send).

A feature registers its kind in one line::

    registry.register("checkin", planner=plan_checkins, composer=compose_checkin)

Registering a kind again replaces it (the check-in feature replaces the placeholder composer).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.telegram.send_queue import SendMethod
from storage.models import Delivery, Person
from storage.repositories.deliveries import NewDelivery

__all__ = [
    "ComposeContext",
    "Composer",
    "DeliveryRegistry",
    "DueDelivery",
    "NewDelivery",
    "PlanWindow",
    "Planner",
]


@dataclass(frozen=True)
class PlanWindow:
    """A planner returns the items that became due in (since, now].

    Items due before ``grace_start`` are recorded as missed, the rest are sent. A planner may
    return items it returned before: the ledger keeps the first and ignores the rest.
    """

    session: AsyncSession
    since: datetime
    now: datetime
    grace_start: datetime
    settings: Settings


@dataclass(frozen=True)
class DueDelivery:
    """One claimed delivery, as a composer sees it."""

    id: int
    person_id: int
    kind: str
    slot_key: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Delivery) -> DueDelivery:
        payload = json.loads(row.payload or "{}")
        return cls(
            row.id,
            row.person_id,
            row.kind,
            row.slot_key,
            row.due_at,
            payload if isinstance(payload, dict) else {},
        )


@dataclass(frozen=True)
class ComposeContext:
    """What a composer may use. ``storage`` is the aiogram FSM storage, so a composer can put
    the person's conversation into the right state before its message leaves."""

    session: AsyncSession
    now: datetime
    settings: Settings
    i18n: I18n
    bot: Bot
    storage: BaseStorage


Planner = Callable[[PlanWindow], Awaitable[Sequence[NewDelivery]]]
# The messages for one delivery, in order; an empty list means "nothing to say" (cancelled).
Composer = Callable[[ComposeContext, DueDelivery, Person], Awaitable[Sequence[SendMethod]]]


@dataclass(frozen=True)
class _Kind:
    composer: Composer
    planner: Planner | None


class DeliveryRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, _Kind] = {}

    def register(self, kind: str, *, composer: Composer, planner: Planner | None = None) -> None:
        """Adds or replaces ``kind``. Without a planner, rows of this kind come from elsewhere
        (e.g. a handler inserting a one-off prompt into the ledger)."""
        self._kinds[kind] = _Kind(composer, planner)

    def replace_composer(self, kind: str, composer: Composer) -> None:
        """Keeps the kind's planner and swaps the composer."""
        self._kinds[kind] = _Kind(composer, self._kinds[kind].planner)

    def composer(self, kind: str) -> Composer | None:
        entry = self._kinds.get(kind)
        return entry.composer if entry else None

    def planners(self) -> list[tuple[str, Planner]]:
        return [(kind, entry.planner) for kind, entry in self._kinds.items() if entry.planner]

    @property
    def kinds(self) -> list[str]:
        return list(self._kinds)
