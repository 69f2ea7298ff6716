"""The method's figures for the weekly summary, the status and the export: talk requests,
distance travelled since the first joint review, the mentor's demands and the weekly measures."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.dialogs import SubgoalCatalogue
from bot.services.active_subgoals import ActiveSubgoals
from bot.services.figures import MethodFacts, Period, ReportSources
from bot.services.subgoal_measures import measures_in
from bot.services.talk_requests import TalkRequests
from storage.models import Person


class MethodReport:
    def __init__(self, clock: Clock, catalogue: SubgoalCatalogue) -> None:
        self.clock = clock
        self.catalogue = catalogue

    async def period(self, session: AsyncSession, youth: Person, period: Period) -> MethodFacts:
        active = await ActiveSubgoals(session, self.catalogue, self.clock).of(youth.id)
        return MethodFacts(
            talk=await TalkRequests(session, self.clock).facts(youth, period),
            measures=tuple(await measures_in(session, youth.id, period, active)),
        )


def register_method_report(
    sources: ReportSources, clock: Clock, catalogue: SubgoalCatalogue
) -> None:
    sources.method = MethodReport(clock, catalogue)
