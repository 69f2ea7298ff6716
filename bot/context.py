"""The names handlers can ask for (aiogram passes only what a handler declares).

Long-lived, from `Dispatcher(**workflow_data)`: settings, clock, sessionmaker, i18n, runtime.
Per update, from UpdateTransactionMiddleware: session, person (Person | None), and the
services below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime
from bot.services.access import AccessService
from bot.services.alert_desk import AlertDesk
from bot.services.attendance import AttendanceService
from bot.services.checkins import CheckinService
from bot.services.cohort import CohortService
from bot.services.crisis_response import CrisisService
from bot.services.demands import DemandService
from bot.services.dialog_runner import DialogRunner
from bot.services.joint_review import JointReviews
from bot.services.mentor_desk import MentorDesk
from bot.services.motivation import live_library, motivation_services
from bot.services.onboarding import OnboardingService
from bot.services.privacy import PrivacyService
from bot.services.reachability import ReachabilityService
from bot.services.safety_plan import SafetyPlanService
from bot.services.script_publishing import ScriptPublishing
from bot.services.self_profile import SelfProfiles
from bot.services.talk_requests import TalkRequests
from bot.services.weekly_summary import SummaryService
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
            "attendance": AttendanceService(self.session, clock),
            "youth_settings": YouthSettingsService(self.session, clock),
            "script_publishing": ScriptPublishing(
                self.session, clock, self.runtime.scripts, self.runtime.catalogue
            ),
            "crisis": CrisisService(self.session, clock, self.runtime.crisis_rules),
            "safety_plans": SafetyPlanService(self.session, clock, runner),
            "privacy": PrivacyService(self.session, clock),
            "access": AccessService(self.session, clock),
            "motivation": motivation_services(self.session, self.runtime, runner),
            "summaries": SummaryService(self.session, clock, self.runtime.report_sources),
            "mentor_desk": MentorDesk(self.session, clock, self.runtime.report_sources),
            "alert_desk": AlertDesk(self.session, clock),
            "talk": TalkRequests(self.session, clock),
            "profiles": SelfProfiles(self.session, clock),
            "reviews": JointReviews(self.session, clock, self.runtime.catalogue),
            "demands": DemandService(
                self.session, clock, live_library(self.session, self.runtime)
            ),
            "cohort": CohortService(
                self.session, clock, self.runtime.report_sources, settings.timezone
            ),
        }
