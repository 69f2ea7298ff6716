"""The names handlers can ask for (aiogram passes only what a handler declares).

Long-lived, from `Dispatcher(**workflow_data)`: settings, clock, sessionmaker, i18n, runtime.
Per update, from DbSessionMiddleware: session, person (Person | None), and the services below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime
from bot.services.checkins import CheckinService
from bot.services.dialog_runner import DialogRunner
from bot.services.onboarding import OnboardingService
from bot.services.reachability import ReachabilityService
from bot.services.youth_settings import YouthSettingsService


def dialog_runner(session: AsyncSession, runtime: Runtime) -> DialogRunner:
    return DialogRunner(
        session=session,
        clock=runtime.clock,
        registry=runtime.scripts,
        catalogue=runtime.catalogue,
        texts=runtime.engine_texts(),
        hooks=runtime.dialog_hooks,
        default_locale=runtime.settings.default_locale,
    )


@dataclass(frozen=True)
class PerUpdate:
    session: AsyncSession
    runtime: Runtime

    def as_data(self) -> dict[str, Any]:
        """The services one update may use, all sharing the update's one session."""
        clock, settings = self.runtime.clock, self.runtime.settings
        runner = dialog_runner(self.session, self.runtime)
        return {
            "session": self.session,
            "onboarding": OnboardingService(self.session, clock, settings.invite_ttl_hours),
            "reachability": ReachabilityService(self.session, clock),
            "dialogs": runner,
            "checkins": CheckinService(self.session, clock, runner),
            "youth_settings": YouthSettingsService(self.session, clock),
        }
