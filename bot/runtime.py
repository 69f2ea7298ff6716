"""The long-lived pieces every update and every scheduled job share, built once at start."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.dialogs import ENGINE_MSGIDS, EngineTexts, SubgoalCatalogue, load_catalogue
from bot.dialogs.texts import TextKey
from bot.services.crisis_detection import CrisisRules, load_crisis_screen
from bot.services.crisis_lines import CrisisLines, load_crisis_lines
from bot.services.dialog_runner import DialogHooks
from bot.services.figures import ReportSources
from bot.services.script_registry import ScriptRegistry


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    i18n: I18n
    scripts: ScriptRegistry
    catalogue: SubgoalCatalogue
    crisis_rules: CrisisRules
    crisis_lines: CrisisLines
    sessionmaker: async_sessionmaker[AsyncSession]
    dialog_hooks: DialogHooks = field(default_factory=DialogHooks)
    # Where mentor reports get attendance and goals facts (features register theirs).
    report_sources: ReportSources = field(default_factory=ReportSources)

    def engine_texts(self) -> EngineTexts:
        """The engine's own words (Skip, Done, re-asks) through the gettext catalogs."""
        i18n = self.i18n

        def texts(key: TextKey, locale: str) -> str:
            return i18n.gettext(ENGINE_MSGIDS[key], locale=locale)

        return texts


def create_runtime(
    settings: Settings, clock: Clock, i18n: I18n, sessionmaker: async_sessionmaker[AsyncSession]
) -> Runtime:
    dialogs = settings.dialogs_dir
    return Runtime(
        settings=settings,
        clock=clock,
        i18n=i18n,
        scripts=ScriptRegistry(settings.script_folder),
        catalogue=load_catalogue(dialogs),
        crisis_rules=load_crisis_screen(dialogs / "crisis"),
        crisis_lines=load_crisis_lines(dialogs / "crisis" / "lines.yaml"),
        sessionmaker=sessionmaker,
    )
