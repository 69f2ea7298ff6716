"""The names handlers can ask for (aiogram passes only what a handler declares).

Long-lived, from `Dispatcher(**workflow_data)`: settings, clock, sessionmaker, i18n.
Per update, from middlewares: session, person (Person | None), and the services below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.services.onboarding import OnboardingService
from bot.services.reachability import ReachabilityService

WORKFLOW_NAMES = ("settings", "clock", "sessionmaker", "i18n")


@dataclass(frozen=True)
class PerUpdate:
    session: AsyncSession
    clock: Clock
    settings: Settings

    def as_data(self) -> dict[str, Any]:
        """The services one update may use, all sharing the update's one session."""
        return {
            "session": self.session,
            "onboarding": OnboardingService(
                self.session, self.clock, self.settings.invite_ttl_hours
            ),
            "reachability": ReachabilityService(self.session, self.clock),
        }
